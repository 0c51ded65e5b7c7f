import { Command, CommanderError } from 'commander';
import { isAppError } from '../core/errors.js';
import { scrubDigits } from '../core/logger.js';
import { buildOpenApiDocument } from '../api/openapi.js';
import { openApiContributors } from '../runtime/openapi-contributors.js';
import { registerMerchantCommands } from './commands/merchant.js';
import { registerSecurityCommands } from './commands/security.js';
import { registerServeCommands } from './commands/serve.js';
import { registerDomainCommands } from './commands/domains.js';

const program = new Command('cardrecycle')
  .description('Buy-back service for Chinese prepaid phone recharge cards')
  .version('0.1.0')
  .showHelpAfterError(false)
  .exitOverride();

registerServeCommands(program);
registerMerchantCommands(program);
registerSecurityCommands(program);
const train = program.command('train').description('train a model and write it with its model card');
const evaluate = program.command('eval').description('evaluate a model on held-out data');
await registerDomainCommands(program, { train, eval: evaluate });
program
  .command('openapi')
  .description('print the OpenAPI 3.1 document')
  .action(() => {
    process.stdout.write(JSON.stringify(buildOpenApiDocument(openApiContributors()), null, 2) + '\n');
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version exit 0; usage errors were already printed by commander.
    process.exit(e.exitCode);
  }
  const message = isAppError(e) ? `${e.code}: ${e.detail}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`cardrecycle: ${scrubDigits(message.split('\n')[0] ?? 'failed')}\n`);
  process.exit(1);
}
