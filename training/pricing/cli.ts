/**
 * The pricing commands without the rest of the app (same code as `npx cardrecycle …` once wired):
 *   npx tsx training/pricing/cli.ts eval pricing --data datasets/quotes.csv --json
 *   npx tsx training/pricing/cli.ts train pricing [--epochs N] [--no-gate]
 *   npx tsx training/pricing/cli.ts forecast --carrier cmcc --denomination 100 --json
 */
import { Command, CommanderError } from 'commander';
import { isAppError } from '../../src/core/errors.js';
import { registerPricingCommands } from '../../src/cli/commands/pricing.js';

const program = new Command('pricing').exitOverride();
const train = program.command('train');
const evaluate = program.command('eval');
registerPricingCommands(program, { train, eval: evaluate });
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  process.stderr.write(`pricing: ${isAppError(e) ? `${e.code}: ${e.detail}` : e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
