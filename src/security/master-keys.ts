import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Master keys (key-encryption keys). The current key wraps new data keys; previous keys only unwrap,
 * so a rotation can run while servers keep serving: deploy new-as-current + old-as-previous, run
 * `cardrecycle keys rotate`, then drop the old key.
 */
export interface MasterKey {
  id: string;
  key: Buffer;
}

export interface MasterKeyRing {
  current: MasterKey;
  all: ReadonlyMap<string, MasterKey>;
}

export function masterKeyFromBase64(b64: string): MasterKey {
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length !== 32) throw new Error('a master key must be base64 of exactly 32 bytes');
  return { id: `mk_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`, key };
}

export function buildKeyRing(current: MasterKey, previous: MasterKey[] = []): MasterKeyRing {
  const all = new Map<string, MasterKey>();
  for (const k of [current, ...previous]) all.set(k.id, k);
  return { current, all };
}

export interface KeyRingSource {
  masterKey?: string;
  previousMasterKeys?: string;
  profile: 'dev' | 'prod';
  dataDir: string;
  warn?: (message: string) => void;
}

const DEV_KEY_FILE = 'master.key';
const DEV_PREVIOUS_FILE = 'master.key.previous';

/**
 * From `CARDRECYCLE_MASTER_KEY` (+ `CARDRECYCLE_PREVIOUS_MASTER_KEYS`, comma-separated), or in the dev
 * profile only, from `./data/master.key`, generated on first use with a loud warning.
 */
export function loadKeyRing(source: KeyRingSource): MasterKeyRing {
  const previous = (source.previousMasterKeys ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(masterKeyFromBase64);
  if (source.masterKey) return buildKeyRing(masterKeyFromBase64(source.masterKey), previous);
  if (source.profile === 'prod') throw new Error('CARDRECYCLE_MASTER_KEY is required in the prod profile');
  const file = join(source.dataDir, DEV_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(source.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    (source.warn ?? console.warn)(
      `WARNING: no CARDRECYCLE_MASTER_KEY set; generated a development master key in ${file}. ` +
        'Never use a generated key in production: set CARDRECYCLE_MASTER_KEY and CARDRECYCLE_PROFILE=prod.',
    );
  }
  const prevFile = join(source.dataDir, DEV_PREVIOUS_FILE);
  const devPrevious = existsSync(prevFile)
    ? readFileSync(prevFile, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean).map(masterKeyFromBase64)
    : [];
  return buildKeyRing(masterKeyFromBase64(readFileSync(file, 'utf8')), [...previous, ...devPrevious]);
}

/** Dev profile rotation: a new current key file; the old key moves to the previous-keys file. */
export function rotateDevKeyFile(dataDir: string): { oldId: string; newId: string } {
  const file = join(dataDir, DEV_KEY_FILE);
  const old = masterKeyFromBase64(readFileSync(file, 'utf8'));
  const fresh = randomBytes(32).toString('base64');
  const prevFile = join(dataDir, DEV_PREVIOUS_FILE);
  const prev = existsSync(prevFile) ? readFileSync(prevFile, 'utf8') : '';
  writeFileSync(prevFile, prev + old.key.toString('base64') + '\n', { mode: 0o600 });
  writeFileSync(file, fresh + '\n', { mode: 0o600 });
  return { oldId: old.id, newId: masterKeyFromBase64(fresh).id };
}
