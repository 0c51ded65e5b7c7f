import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseNonceStore, NONCE_TTL_SECONDS } from '../../src/security/nonce-store.js';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../helpers/db.js';

describe.each(BACKENDS)('DatabaseNonceStore on %s (group commit)', (backend) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.cleanup();
    database = undefined;
  });

  it('claims each nonce once, also when the claims arrive together', async () => {
    database = await openTestDatabase(backend);
    const store = new DatabaseNonceStore(database.db);
    const now = 1_800_000_000;
    // 40 concurrent claims: 20 distinct pairs, each sent twice, so batches hold replays of themselves.
    const pairs = Array.from({ length: 20 }, (_, i) => ({ keyId: i % 2 ? 'key_a' : 'key_b', nonce: `nonce-${i}-abcdef` }));
    const results = await Promise.all([...pairs, ...pairs].map((p) => store.claim(p.keyId, p.nonce, now)));
    expect(results.slice(0, 20).every((r, i) => r !== results[20 + i])).toBe(true);
    expect(results.filter(Boolean)).toHaveLength(20);
    // The same nonce under another key is a different pair.
    expect(await store.claim('key_c', pairs[0]!.nonce, now)).toBe(true);
  });

  it('remembers nonces across a restart until they expire, then lets an expired row be reclaimed', async () => {
    database = await openTestDatabase(backend);
    const now = 1_800_000_000;
    expect(await new DatabaseNonceStore(database.db).claim('key_a', 'restart-nonce-1', now)).toBe(true);
    const restarted = new DatabaseNonceStore(database.db);
    expect(await restarted.claim('key_a', 'restart-nonce-1', now + 299)).toBe(false);
    expect(await restarted.claim('key_a', 'restart-nonce-1', now + NONCE_TTL_SECONDS + 1)).toBe(true);
    expect(await restarted.claim('key_a', 'restart-nonce-1', now + NONCE_TTL_SECONDS + 2)).toBe(false);
  });

  it('answers a batch of more rows than one statement takes', async () => {
    database = await openTestDatabase(backend);
    const store = new DatabaseNonceStore(database.db);
    const results = await Promise.all(Array.from({ length: 1203 }, (_, i) => store.claim('key_a', `bulk-${i}-xxxxxx`, 1_800_000_000)));
    expect(results.every(Boolean)).toBe(true);
    const count = await database.db.selectFrom('nonces').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1203);
  });
});
