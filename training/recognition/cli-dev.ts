/**
 * Stand-alone entry for the recognition commands until (or besides) the main CLI:
 *   npx tsx training/recognition/cli-dev.ts eval recognition --images DIR --labels CSV --json
 * Same commands and output as `cardrecycle …`; one-line error on stderr and exit 1 on failure.
 */
import { Command } from 'commander';
import { registerRecognitionCommands } from '../../src/cli/commands/recognition.js';

const program = new Command('cardrecycle');
const train = program.command('train').description('train models');
const evalGroup = program.command('eval').description('evaluate models');
registerRecognitionCommands(program, { train, eval: evalGroup });
try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
