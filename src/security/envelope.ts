import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { newId } from '../core/ids.js';
import type { CoreTables, DataKeysTable } from '../store/tables.js';
import { sharedPrecompile } from '../store/precompiled.js';
import { open, seal } from './aead.js';
import type { MasterKeyRing } from './master-keys.js';

type Executor = Kysely<CoreTables> | Transaction<CoreTables>;

export interface Sealed {
  dataKeyId: string;
  ciphertext: string;
}

/**
 * Envelope encryption: every record gets its own random data key, stored wrapped by the current
 * master key (with the master key's id) in `data_keys`. Rotation re-wraps data keys, never records.
 */
export class Envelope {
  constructor(private readonly deps: { db: Kysely<CoreTables>; keyRing: MasterKeyRing; now?: () => Date }) {}

  /** Creates a data key, encrypts `plaintext` under it; the row is written on `exec` (pass the transaction). */
  async encrypt(exec: Executor, plaintext: Buffer, aad: string): Promise<Sealed> {
    const dataKey = randomBytes(32);
    const dataKeyId = newId('dk');
    const { current } = this.deps.keyRing;
    await insertDataKey.run(exec, dataKeyId, current.id, seal(current.key, dataKey, dataKeyId), (this.deps.now?.() ?? new Date()).toISOString());
    return { dataKeyId, ciphertext: seal(dataKey, plaintext, aad) };
  }

  async decrypt(exec: Executor, sealed: Sealed, aad: string): Promise<Buffer> {
    const dataKey = await this.unwrapDataKey(exec, sealed.dataKeyId);
    return open(dataKey, sealed.ciphertext, aad);
  }

  async unwrapDataKey(exec: Executor, dataKeyId: string): Promise<Buffer> {
    const [row] = await dataKeyRow.rows(exec, dataKeyId);
    if (!row) throw new Error(`data key ${dataKeyId} is missing`);
    const master = this.deps.keyRing.all.get(row.master_key_id);
    if (!master) throw new Error(`master key ${row.master_key_id} is not in the key ring`);
    return open(master.key, row.wrapped_key, dataKeyId);
  }

  /** A long-lived named data key (e.g. the blind-index key), created on first use. */
  async namedKey(id: string): Promise<Buffer> {
    const db = this.deps.db;
    const existing = await db.selectFrom('data_keys').select('id').where('id', '=', id).executeTakeFirst();
    if (!existing) {
      const { current } = this.deps.keyRing;
      await db
        .insertInto('data_keys')
        .values({ id, master_key_id: current.id, wrapped_key: seal(current.key, randomBytes(32), id), created_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    return this.unwrapDataKey(db, id);
  }

  /**
   * Re-wraps every data key not under the current master key. Each row is updated on its own, so
   * servers keep working throughout: a row is readable under either key until it is rewritten.
   */
  async rotate(onProgress?: (done: number, total: number) => void): Promise<{ rewrapped: number; total: number }> {
    const { db, keyRing } = this.deps;
    const stale = await db.selectFrom('data_keys').select(['id', 'master_key_id', 'wrapped_key']).where('master_key_id', '!=', keyRing.current.id).execute();
    let done = 0;
    for (const row of stale) {
      const master = keyRing.all.get(row.master_key_id);
      if (!master) throw new Error(`cannot unwrap data key ${row.id}: master key ${row.master_key_id} is not in the key ring`);
      const dataKey = open(master.key, row.wrapped_key, row.id);
      await db
        .updateTable('data_keys')
        .set({ master_key_id: keyRing.current.id, wrapped_key: seal(keyRing.current.key, dataKey, row.id) })
        .where('id', '=', row.id)
        .where('master_key_id', '=', row.master_key_id)
        .execute();
      done += 1;
      onProgress?.(done, stale.length);
    }
    return { rewrapped: done, total: stale.length };
  }
}

// Every order seals its card under a new data key at intake and opens it twice in the pipeline: compiled once.
const insertDataKey = sharedPrecompile<never, Executor>(4, (db, [id, masterKeyId, wrappedKey, createdAt]) =>
  db.insertInto('data_keys').values({ id: id!, master_key_id: masterKeyId!, wrapped_key: wrappedKey!, created_at: createdAt! }));
const dataKeyRow = sharedPrecompile<DataKeysTable, Executor>(1, (db, [id]) => db.selectFrom('data_keys').selectAll().where('id', '=', id!));
