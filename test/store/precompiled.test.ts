import { afterEach, describe, expect, it } from 'vitest';
import { precompile, sharedPrecompile } from '../../src/store/precompiled.js';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../helpers/db.js';

/** A table of the tests' own (composite key, a number column), so no domain table's shape is assumed. */
async function withProbeTable(database: TestDatabase) {
  const db = database.db.withTables<{ probe: { key_id: string; nonce: string; expires_at: number } }>();
  await db.schema.createTable('probe')
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('probe_pk', ['key_id', 'nonce'])
    .execute();
  return db;
}

describe.each(BACKENDS)('precompiled queries on %s', (backend) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.cleanup();
    database = undefined;
  });

  it('runs one compiled query with fresh arguments, in the order the placeholders were given', async () => {
    database = await openTestDatabase(backend);
    const db = await withProbeTable(database);
    await db.insertInto('probe').values([
      { key_id: 'key_a', nonce: 'n1', expires_at: 10 },
      { key_id: 'key_a', nonce: 'n2', expires_at: 20 },
      { key_id: 'key_b', nonce: 'n1', expires_at: 30 },
    ]).execute();
    // The builder uses the second placeholder first, and a constant the compiler also parametrises.
    const find = precompile(db, 2, ([keyId, nonce]) =>
      db.selectFrom('probe').select(['key_id', 'nonce', 'expires_at']).where('nonce', '=', nonce!).where('key_id', '=', keyId!).where('expires_at', '>', 5));
    expect(await find('key_a', 'n2')).toEqual([{ key_id: 'key_a', nonce: 'n2', expires_at: 20 }]);
    expect(await find('key_b', 'n1')).toEqual([{ key_id: 'key_b', nonce: 'n1', expires_at: 30 }]);
    expect(await find('key_c', 'n1')).toEqual([]);
    await expect(find('key_a')).rejects.toThrow(/takes 2 parameters/);
  });

  it('runs inside a transaction, reports affected rows, and fills a placeholder used twice', async () => {
    database = await openTestDatabase(backend);
    const db = await withProbeTable(database);
    await db.insertInto('probe').values({ key_id: 'key_a', nonce: 'n1', expires_at: 10 }).execute();
    const upsert = precompile(db, 3, ([keyId, nonce, expires]) =>
      db.insertInto('probe').values({ key_id: keyId!, nonce: nonce!, expires_at: expires as unknown as number })
        .onConflict((oc) => oc.columns(['key_id', 'nonce']).doUpdateSet({ expires_at: expires as unknown as number })));
    await db.transaction().execute(async (trx) => {
      expect(Number((await upsert.run(trx, 'key_a', 'n1', 99)).numAffectedRows)).toBe(1);
      expect(Number((await upsert.run(trx, 'key_b', 'n2', 42)).numAffectedRows)).toBe(1);
    });
    const rows = await db.selectFrom('probe').select(['key_id', 'expires_at']).orderBy('key_id').execute();
    expect(rows).toEqual([{ key_id: 'key_a', expires_at: 99 }, { key_id: 'key_b', expires_at: 42 }]);
  });

  it('shares one compiled query between a handle and its transactions, and keeps each database apart', async () => {
    database = await openTestDatabase(backend);
    const mine = await withProbeTable(database);
    const other = await openTestDatabase('sqlite');
    const theirs = await withProbeTable(other);
    type Handle = typeof theirs;
    try {
      const expiresOf = sharedPrecompile<{ expires_at: number }, Handle>(1, (on, [nonce]) =>
        on.selectFrom('probe').select('expires_at').where('nonce', '=', nonce!));
      await mine.insertInto('probe').values({ key_id: 'k', nonce: 'n1', expires_at: 7 }).execute();
      await theirs.insertInto('probe').values({ key_id: 'k', nonce: 'n1', expires_at: 8 }).execute();
      expect(await expiresOf.rows(mine, 'n1')).toEqual([{ expires_at: 7 }]);
      await mine.transaction().execute(async (trx) => {
        await trx.updateTable('probe').set({ expires_at: 70 }).where('nonce', '=', 'n1').execute();
        // Inside the transaction: sees its own uncommitted write.
        expect(await expiresOf.rows(trx, 'n1')).toEqual([{ expires_at: 70 }]);
      });
      expect(await expiresOf.rows(theirs, 'n1')).toEqual([{ expires_at: 8 }]);
      expect(await expiresOf.rows(mine, 'missing')).toEqual([]);
    } finally {
      await other.cleanup();
    }
  });
});
