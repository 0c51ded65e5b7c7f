import type { Command } from 'commander';

/** Commands of the pipeline domains (recognition, pricing, settlement), wired in one place. */
export async function registerDomainCommands(_program: Command, _groups: { train: Command; eval: Command }): Promise<void> {}
