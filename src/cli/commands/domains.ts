import type { Command } from 'commander';
import { registerPricingCommands } from './pricing.js';
import { registerRecognitionCommands } from './recognition.js';
import { registerSettlementCommands } from './settlement.js';

/** Commands of the pipeline domains (recognition, pricing, settlement), wired in one place. */
export async function registerDomainCommands(program: Command, groups: { train: Command; eval: Command }): Promise<void> {
  registerRecognitionCommands(program, groups);
  registerPricingCommands(program, groups);
  registerSettlementCommands(program);
}
