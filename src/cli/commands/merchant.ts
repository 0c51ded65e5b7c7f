import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openCliRuntime } from '../context.js';
import { emit } from '../output.js';

export function registerMerchantCommands(program: Command): void {
  const merchant = program.command('merchant').description('manage merchants and their API keys');
  merchant
    .command('create')
    .description('create a merchant with an HMAC key (the secret is shown once)')
    .requiredOption('--name <name>', 'display name')
    .option('--rsa-public-key <file>', 'also register an RSA public key (PEM) for CR-RSA-SHA256')
    .option('--json', 'machine-readable output')
    .action(async (opts: { name: string; rsaPublicKey?: string; json?: boolean }) => {
      const pem = opts.rsaPublicKey ? readFileSync(opts.rsaPublicKey, 'utf8') : undefined;
      const runtime = await openCliRuntime();
      try {
        const created = await runtime.merchants.create({ name: opts.name, rsaPublicKeyPem: pem });
        emit(!!opts.json, created, () =>
          [
            `merchantId: ${created.merchantId}`,
            `keyId:      ${created.keyId}`,
            `secret:     ${created.secret}`,
            ...(created.rsaKeyId ? [`rsaKeyId:   ${created.rsaKeyId}`] : []),
            'Store the secret now: it is not shown again.',
          ].join('\n'),
        );
      } finally {
        await runtime.close();
      }
    });
}
