import { afterEach, describe, expect, it } from 'vitest';
import { precompile } from '../../src/store/precompiled.js';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../helpers/db.js';

describe.each(BACKENDS)('precompiled queries on %s', (backend) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.cleanup();
    database = undefined;
  });

  it('runs one compiled query with fresh arguments, in the order the placeholders were given', async () => {
    database = await openTestDatabase(backend);
    const db = database.db;
    await db.insertInto('nonces').values([
      { key_id: 'key_a', nonce: 'n1', expires_at: 10 },
      { key_id: 'key_a', nonce: 'n2', expires_at: 20 },
      { key_id: 'key_b', nonce: 'n1', expires_at: 30 },
    ]).execute();
    // The builder uses the second placeholder first, and a constant the compiler also parametrises.
    const find = precompile(db, 2, ([keyId, nonce]) =>
      db.selectFrom('nonces').select(['key_id', 'nonce', 'expires_at']).where('nonce', '=', nonce!).where('key_id', '=', keyId!).where('expires_at', '>', 5));
    expect(await find('key_a', 'n2')).toEqual([{ key_id: 'key_a', nonce: 'n2', expires_at: 20 }]);
    expect(await find('key_b', 'n1')).toEqual([{ key_id: 'key_b', nonce: 'n1', expires_at: 30 }]);
    expect(await find('key_c', 'n1')).toEqual([]);
    await expect(find('key_a')).rejects.toThrow(/takes 2 parameters/);
  });
});
