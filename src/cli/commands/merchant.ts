import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { validateMerchantSettings } from '../../runtime/merchant-settings.js';
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

  merchant
    .command('settings')
    .description('show a merchant\'s settings, or merge sections into them (pricingPolicy, exceptionPolicies, risk, settlement)')
    .requiredOption('--merchant <merchantId>', 'the merchant id (mch_…)')
    .option('--set <json>', 'a JSON object of sections to replace, each validated by its domain')
    .option('--json', 'machine-readable output')
    .action(async (opts: { merchant: string; set?: string; json?: boolean }) => {
      let patch: unknown;
      if (opts.set !== undefined) {
        try {
          patch = JSON.parse(opts.set);
        } catch {
          throw new Error('--set must be a JSON object');
        }
      }
      const runtime = await openCliRuntime();
      try {
        const merchant = patch === undefined ? await runtime.merchants.get(opts.merchant) : await runtime.merchants.updateSettings(opts.merchant, validateMerchantSettings(patch));
        if (!merchant) throw new Error(`no merchant ${opts.merchant}`);
        emit(!!opts.json, merchant.settings, () => JSON.stringify(merchant.settings, null, 2));
      } finally {
        await runtime.close();
      }
    });
}
