import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CompiledQuery, type DatabaseConnection } from 'kysely';
import { openDatabase, type Database } from '../../src/store/database.js';
import { retryingWhenBusy } from '../../src/store/sqlite-busy.js';

describe('waiting for another process’s SQLite write lock', () => {
  let dir: string;
  let database: Database | undefined;
  let other: BetterSqlite3.Database | undefined;
  afterEach(async () => {
    other?.close();
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
    other = database = undefined;
  });

  async function openPair() {
    dir = mkdtempSync(join(tmpdir(), 'cr-busy-'));
    const file = join(dir, 'db.sqlite');
    database = await openDatabase(`file:${file}`);
    await database.db.schema.createTable('t').addColumn('v', 'integer').execute();
    // A second connection to the file stands for the other process (serve beside a worker).
    other = new BetterSqlite3(file);
    return { db: database.db.withTables<{ t: { v: number } }>(), other };
  }

  it('waits in the event loop while the lock is held, then writes', async () => {
    const { db, other } = await openPair();
    other.exec('begin immediate');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 2);
    const write = db.insertInto('t').values({ v: 1 }).execute();
    const inTransaction = db.transaction().execute((trx) => trx.insertInto('t').values({ v: 2 }).execute());
    await new Promise((r) => setTimeout(r, 60));
    // The process went on running timers while both statements waited.
    expect(ticks).toBeGreaterThan(5);
    other.exec('commit');
    await Promise.all([write, inTransaction]);
    clearInterval(ticker);
    expect((await db.selectFrom('t').select('v').orderBy('v').execute()).map((r) => r.v)).toEqual([1, 2]);
  });

  it('gives up with SQLITE_BUSY after its timeout', async () => {
    const { other } = await openPair();
    other.exec('begin immediate');
    const raw = new BetterSqlite3(join(dir, 'db.sqlite'));
    raw.pragma('busy_timeout = 0');
    const connection: DatabaseConnection = {
      executeQuery: async (q) => ({ rows: [], numAffectedRows: BigInt(raw.prepare(q.sql).run(...q.parameters).changes) }),
      streamQuery: () => { throw new Error('unused'); },
    };
    const started = Date.now();
    await expect(retryingWhenBusy(connection, () => raw.inTransaction, 50).executeQuery(CompiledQuery.raw('insert into t (v) values (3)')))
      .rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    raw.close();
    other.exec('rollback');
  });

  it('does not retry a statement refused inside a transaction', async () => {
    const { other } = await openPair();
    const raw = new BetterSqlite3(join(dir, 'db.sqlite'));
    raw.pragma('busy_timeout = 0');
    raw.exec('begin'); // deferred: its first write needs the lock the other connection takes
    raw.prepare('select count(*) from t').get();
    other.exec('begin immediate');
    let calls = 0;
    const connection: DatabaseConnection = {
      executeQuery: async (q) => { calls++; raw.prepare(q.sql).run(); return { rows: [] }; },
      streamQuery: () => { throw new Error('unused'); },
    };
    await expect(retryingWhenBusy(connection, () => raw.inTransaction, 1_000).executeQuery(CompiledQuery.raw('insert into t (v) values (4)')))
      .rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    expect(calls).toBe(1);
    raw.exec('rollback');
    raw.close();
    other.exec('rollback');
  });
});
