import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Envelope } from '../../src/security/envelope.js';
import { buildKeyRing, masterKeyFromBase64 } from '../../src/security/master-keys.js';
import { BACKENDS, openTestDatabase } from '../helpers/db.js';

describe.each(BACKENDS)('envelope encryption and key rotation (%s)', (backend) => {
  it('re-wraps data keys under a new master key; records stay readable throughout', async () => {
    const t = await openTestDatabase(backend);
    try {
      const oldKey = masterKeyFromBase64(randomBytes(32).toString('base64'));
      const newKey = masterKeyFromBase64(randomBytes(32).toString('base64'));
      const before = new Envelope({ db: t.db, keyRing: buildKeyRing(oldKey) });
      const sealed = [];
      for (let i = 0; i < 20; i++) sealed.push(await before.encrypt(t.db, Buffer.from(`secret-${i}`), `rec:${i}`));
      // Each record has its own data key.
      expect(new Set(sealed.map((s) => s.dataKeyId)).size).toBe(20);

      const during = new Envelope({ db: t.db, keyRing: buildKeyRing(newKey, [oldKey]) });
      expect((await during.decrypt(t.db, sealed[3]!, 'rec:3')).toString()).toBe('secret-3');
      const fresh = await during.encrypt(t.db, Buffer.from('new'), 'rec:new');
      const result = await during.rotate();
      expect(result).toEqual({ rewrapped: 20, total: 20 });
      expect((await during.rotate()).rewrapped).toBe(0);

      const after = new Envelope({ db: t.db, keyRing: buildKeyRing(newKey) });
      for (let i = 0; i < 20; i++) expect((await after.decrypt(t.db, sealed[i]!, `rec:${i}`)).toString()).toBe(`secret-${i}`);
      expect((await after.decrypt(t.db, fresh, 'rec:new')).toString()).toBe('new');
      // The old key alone can no longer open anything.
      await expect(before.decrypt(t.db, sealed[0]!, 'rec:0')).rejects.toThrow(/not in the key ring/);
      // Ciphertext bound to its record: swapping records fails authentication.
      await expect(after.decrypt(t.db, sealed[0]!, 'rec:1')).rejects.toThrow();
    } finally {
      await t.cleanup();
    }
  });
});

describe('cardrecycle keys rotate (dev profile)', () => {
  it('rotates the generated key file and keeps merchants working', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-rot-'));
    try {
      const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, CARDRECYCLE_DATA_DIR: dir, CARDRECYCLE_MASTER_KEY: '', LOG_LEVEL: 'error' };
      const created = JSON.parse(execFileSync('node', ['bin/cardrecycle.js', 'merchant', 'create', '--name', 'Rot', '--json'], { env, encoding: 'utf8' }));
      expect(created).toMatchObject({ merchantId: expect.stringMatching(/^mch_/), keyId: expect.stringMatching(/^key_/), secret: expect.any(String) });
      const rotated = JSON.parse(execFileSync('node', ['bin/cardrecycle.js', 'keys', 'rotate', '--json'], { env, encoding: 'utf8' }));
      expect(rotated.rewrapped).toBeGreaterThanOrEqual(2); // blind-index key + the merchant secret's data key
      expect(rotated.previousMasterKeyId).not.toBe(rotated.masterKeyId);
      const again = JSON.parse(execFileSync('node', ['bin/cardrecycle.js', 'keys', 'rotate', '--json'], { env, encoding: 'utf8' }));
      expect(again.rewrapped).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
