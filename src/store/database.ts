import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import type { CoreTables } from './tables.js';
import { retryingWhenBusy } from './sqlite-busy.js';

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

export type Dialect = 'sqlite' | 'postgres';

/**
 * Domains keep their own table types and widen the shared handle with `db.withTables<TheirTables>()`,
 * so no domain has to edit a central schema file.
 */
export type Db = Kysely<CoreTables>;

export interface Database {
  db: Db;
  dialect: Dialect;
  /** Where the SQLite file lives (undefined on PostgreSQL): tests scan it for leaked secrets. */
  file?: string;
  /** PostgreSQL: the schema everything lives in. */
  schema?: string;
  close(): Promise<void>;
}

// PostgreSQL returns int8 (bigint) as a string; every amount we store is a safe integer of fen.
pg.types.setTypeParser(20, (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${v} exceeds the safe integer range`);
  return n;
});

export interface OpenOptions {
  /** PostgreSQL only: run everything inside this schema (created if missing). Tests use one each. */
  schema?: string;
  poolSize?: number;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options);
  if (url.startsWith('file:') || url === ':memory:') return openSqlite(url);
  throw new Error(`DATABASE_URL must start with postgres:// or file: (got ${url.split(':')[0]}:…)`);
}

function openSqlite(url: string): Database {
  const path = url === ':memory:' || url === 'file::memory:' ? ':memory:' : resolve(url.slice('file:'.length));
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new BetterSqlite3(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  // Lock waits happen in the event loop instead (sqlite-busy.ts): SQLite's own wait blocks the process.
  raw.pragma('busy_timeout = 0');
  // [settlement bench, issue #6] Checkpoint every ~40 MB of WAL instead of every 4 MB: each order is
  // ~13 small transactions re-touching the same hot pages (audit tail, jobs, indexes); checkpointing
  // them every ~15 orders (with an fsync) was ~half of all SQL time at 100 orders/s.
  raw.pragma('wal_autocheckpoint = 10000');
  const db = new Kysely<CoreTables>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(raw) }, () => raw.inTransaction) });
  return {
    db,
    dialect: 'sqlite',
    file: path === ':memory:' ? undefined : path,
    close: async () => {
      await db.destroy();
    },
  };
}

/**
 * Transactions start with BEGIN IMMEDIATE: with a worker process beside the server on one SQLite
 * file, a deferred transaction that reads and then writes can fail at once with SQLITE_BUSY (the
 * busy timeout does not apply to a lock upgrade); taking the write lock up front makes it wait.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  private retrying?: DatabaseConnection;
  constructor(settings: SqliteDialectConfig, private readonly inTransaction: () => boolean) {
    super(settings);
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    return (this.retrying ??= retryingWhenBusy(connection, this.inTransaction, BUSY_TIMEOUT_MS));
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig, private readonly inTransaction: () => boolean) {
    super(settings);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings, this.inTransaction);
  }
}

/**
 * Kysely prepares every query anew, and preparing costs SQLite more than running a small query;
 * queries are few distinct texts with parameters, so prepared statements are kept by their SQL.
 * Safe because Kysely runs one query at a time on the connection.
 */
function withStatementCache(raw: BetterSqlite3.Database) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(sqlText: string) {
      let statement = statements.get(sqlText);
      if (!statement) {
        if (statements.size >= 1000) statements.clear();
        statement = raw.prepare(sqlText);
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const schema = options.schema;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<CoreTables>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db);
  return {
    db,
    dialect: 'postgres',
    schema: schema ?? 'public',
    close: async () => {
      await db.destroy();
    },
  };
}

/** Drops a test schema; only for tests. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
}
