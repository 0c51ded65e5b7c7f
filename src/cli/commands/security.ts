import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { AUDIT_HEAD_KEY_ID, countAuditRows, verifyAuditChain } from '../../audit/audit-log.js';
import { loadConfig } from '../../core/config.js';
import { rotateDevKeyFile } from '../../security/master-keys.js';
import { authorizationHeader } from '../../security/signature.js';
import { openCliRuntime } from '../context.js';
import { emit, progressBar } from '../output.js';

export function registerSecurityCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('walk the audit chain and check its keyed head; exits non-zero on an edited, deleted (newest rows too) or reordered row')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      // The runtime (not just the database): the head key is unwrapped by the master key.
      const runtime = await openCliRuntime();
      try {
        const headKey = await runtime.envelope.namedKey(AUDIT_HEAD_KEY_ID);
        let bar: ReturnType<typeof progressBar> | undefined;
        const total = await countAuditRows(runtime.database.db);
        const result = await verifyAuditChain(runtime.database.db, {
          headKey,
          onProgress: opts.json || total < 5000 ? undefined : (rows) => (bar ??= progressBar('verifying the audit chain', total)).update(rows),
        });
        bar?.stop();
        emit(!!opts.json, result, () => (result.ok ? `audit chain intact: ${result.rows} rows` : `audit chain BROKEN at seq ${result.broken?.seq}: ${result.broken?.problem}`));
        if (!result.ok) process.exitCode = 1;
      } finally {
        await runtime.close();
      }
    });

  const keys = program.command('keys').description('master-key management');
  keys
    .command('rotate')
    .description('re-wrap every data key under the current master key (servers keep running)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      // Dev profile without an env key: make a new key file first; the old one stays readable.
      const generated = !config.masterKey && config.profile === 'dev' ? rotateDevKeyFile(config.dataDir) : undefined;
      const runtime = await openCliRuntime();
      try {
        let bar: ReturnType<typeof progressBar> | undefined;
        const result = await runtime.envelope.rotate((done, total) => {
          bar ??= progressBar('re-wrapping data keys', total);
          bar.update(done);
        });
        bar?.stop();
        const out = { masterKeyId: runtime.keyRing.current.id, ...result, ...(generated ? { previousMasterKeyId: generated.oldId } : {}) };
        emit(!!opts.json, out, () => `re-wrapped ${result.rewrapped} data keys under ${out.masterKeyId}`);
      } finally {
        await runtime.close();
      }
    });

  program
    .command('sign')
    .description('print a ready-to-paste curl command for a signed request')
    .requiredOption('--key-id <keyId>', 'merchant key id')
    .requiredOption('--secret <secret>', 'merchant HMAC secret')
    .option('--method <method>', 'HTTP method', 'GET')
    .requiredOption('--path <pathAndQuery>', 'path and query, e.g. /v1/orders?limit=5')
    .option('--body <json>', 'request body (JSON)', '')
    .option('--base-url <url>', 'service address', `http://localhost:${process.env.PORT ?? 8080}`)
    .option('--json', 'print the headers as JSON instead of curl')
    .action((opts: { keyId: string; secret: string; method: string; path: string; body: string; baseUrl: string; json?: boolean }) => {
      const method = opts.method.toUpperCase();
      const timestamp = Math.floor(Date.now() / 1000);
      const nonce = randomBytes(12).toString('hex');
      const authorization = authorizationHeader({ keyId: opts.keyId, secret: opts.secret, method, pathAndQuery: opts.path, body: opts.body, timestamp, nonce });
      const headers: Record<string, string> = { Authorization: authorization };
      if (method === 'POST') {
        headers['Content-Type'] = 'application/json';
        headers['Idempotency-Key'] = randomBytes(12).toString('hex');
      }
      const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      emit(!!opts.json, { method, url: opts.baseUrl + opts.path, headers, body: opts.body }, () =>
        [`curl -sS -X ${method} ${q(opts.baseUrl + opts.path)}`, ...Object.entries(headers).map(([k, v]) => `  -H ${q(`${k}: ${v}`)}`), ...(opts.body ? [`  --data-binary ${q(opts.body)}`] : [])].join(' \\\n'),
      );
    });
}
