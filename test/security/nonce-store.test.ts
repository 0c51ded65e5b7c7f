import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import { DatabaseNonceStore, NONCE_TTL_SECONDS } from '../../src/security/nonce-store.js';
import { openDatabase } from '../../src/store/database.js';
import { allMigrations, migrateToLatest } from '../../src/store/migrate.js';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../helpers/db.js';

const logRows = async (database: TestDatabase) =>
  Number((await database.db.selectFrom('nonce_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe.each(BACKENDS)('DatabaseNonceStore on %s (log + memory, group commit)', (backend) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.cleanup();
    database = undefined;
  });
  const storeOn = (d: TestDatabase) => new DatabaseNonceStore(d.db, d.dialect);

  it('claims each nonce once, also when the claims arrive together', async () => {
    database = await openTestDatabase(backend);
    const store = storeOn(database);
    const now = 1_800_000_000;
    // 40 concurrent claims: 20 distinct pairs, each sent twice, so batches hold replays of themselves.
    const pairs = Array.from({ length: 20 }, (_, i) => ({ keyId: i % 2 ? 'key_a' : 'key_b', nonce: `nonce-${i}-abcdef` }));
    const results = await Promise.all([...pairs, ...pairs].map((p) => store.claim(p.keyId, p.nonce, now)));
    expect(results.slice(0, 20).every((r, i) => r !== results[20 + i])).toBe(true);
    expect(results.filter(Boolean)).toHaveLength(20);
    // A replay in a later batch, answered from memory.
    expect(await store.claim(pairs[3]!.keyId, pairs[3]!.nonce, now + 1)).toBe(false);
    // The same nonce under another key is a different pair.
    expect(await store.claim('key_c', pairs[0]!.nonce, now)).toBe(true);
    expect(await logRows(database)).toBe(21);
  });

  it('remembers nonces across a restart until they expire, then lets an expired one be reclaimed', async () => {
    database = await openTestDatabase(backend);
    const now = 1_800_000_000;
    expect(await storeOn(database).claim('key_a', 'restart-nonce-1', now)).toBe(true);
    const restarted = storeOn(database);
    expect(await restarted.claim('key_a', 'restart-nonce-1', now + 299)).toBe(false);
    expect(await restarted.claim('key_a', 'restart-nonce-1', now + NONCE_TTL_SECONDS + 1)).toBe(true);
    expect(await restarted.claim('key_a', 'restart-nonce-1', now + NONCE_TTL_SECONDS + 2)).toBe(false);
    // Another restart sees the newer claim, not the expired one.
    expect(await storeOn(database).claim('key_a', 'restart-nonce-1', now + NONCE_TTL_SECONDS + 3)).toBe(false);
  });

  it('accepts a nonce once across two servers on one database, whichever saw it first', async () => {
    database = await openTestDatabase(backend);
    const now = 1_800_000_000;
    const a = storeOn(database);
    const b = storeOn(database);
    // Both have read the log (empty) before either claims anything.
    expect(await a.claim('key_a', 'warm-a', now)).toBe(true);
    expect(await b.claim('key_a', 'warm-b', now)).toBe(true);
    expect(await b.claim('key_a', 'warm-a', now + 1)).toBe(false);
    expect(await a.claim('key_a', 'warm-b', now + 1)).toBe(false);
    // Concurrent claims of the same fresh nonces through both: each pair wins exactly once.
    const nonces = Array.from({ length: 30 }, (_, i) => `race-${i}`);
    const results = await Promise.all(nonces.flatMap((n) => [a.claim('key_a', n, now + 2), b.claim('key_a', n, now + 2)]));
    for (let i = 0; i < nonces.length; i++) expect([results[2 * i], results[2 * i + 1]].filter(Boolean)).toHaveLength(1);
  });

  it('keeps one batch in flight: claims that arrive meanwhile wait for the next one', async () => {
    database = await openTestDatabase(backend);
    const db = database.db;
    const begin = db.transaction.bind(db);
    let inFlight = 0;
    let most = 0;
    let batches = 0;
    // Counts the store's transactions as they run.
    (db as { transaction: unknown }).transaction = () => {
      const builder = begin();
      return {
        execute: async (fn: Parameters<typeof builder.execute>[0]) => {
          batches++;
          most = Math.max(most, ++inFlight);
          try {
            return await builder.execute(fn);
          } finally {
            inFlight--;
          }
        },
      };
    };
    const store = new DatabaseNonceStore(db, database.dialect);
    const claims: Array<Promise<boolean>> = [];
    for (let turn = 0; turn < 6; turn++) {
      for (let i = 0; i < 10; i++) claims.push(store.claim('key_a', `turn-${turn}-${i}`, 1_800_000_000));
      await new Promise((r) => setImmediate(r));
    }
    expect((await Promise.all(claims)).every(Boolean)).toBe(true);
    expect(most).toBe(1);
    expect(batches).toBeGreaterThan(1);
    expect(await logRows(database)).toBe(60);
  });

  it('sweeps expired nonces out of the log', async () => {
    database = await openTestDatabase(backend);
    const store = storeOn(database);
    const now = 1_800_000_000;
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.claim('key_a', `old-${i}`, now)));
    expect(await logRows(database)).toBe(5);
    expect(await store.claim('key_a', 'new-1', now + NONCE_TTL_SECONDS + 120)).toBe(true);
    expect(await logRows(database)).toBe(1);
  });

  it('answers a batch of more rows than one statement takes', async () => {
    database = await openTestDatabase(backend);
    const store = storeOn(database);
    const results = await Promise.all(Array.from({ length: 1203 }, (_, i) => store.claim('key_a', `bulk-${i}-xxxxxx`, 1_800_000_000)));
    expect(results.every(Boolean)).toBe(true);
    expect(await logRows(database)).toBe(1203);
    expect(await storeOn(database).claim('key_a', 'bulk-1202-xxxxxx', 1_800_000_001)).toBe(false);
  });
});

describe('the nonce_log migration', () => {
  it('carries the live nonces of the old table over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-nonce-mig-'));
    const database = await openDatabase(`file:${join(dir, 'm.db')}`);
    try {
      const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => allMigrations() }, allowUnorderedMigrations: true });
      const before = await migrator.migrateTo('0005_audit_head');
      expect(before.error).toBeUndefined();
      const now = Math.floor(Date.now() / 1000);
      await sql`insert into nonces (key_id, nonce, expires_at) values ('key_a', 'carried', ${now + 100})`.execute(database.db);
      await migrateToLatest(database.db);
      expect(await new DatabaseNonceStore(database.db, 'sqlite').claim('key_a', 'carried', now)).toBe(false);
      expect(await new DatabaseNonceStore(database.db, 'sqlite').claim('key_a', 'fresh', now)).toBe(true);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
