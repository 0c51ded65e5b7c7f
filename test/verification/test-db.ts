import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { dropPostgresSchema, openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { PG_URL, openTestDatabase, type Backend, type TestDatabase } from '../helpers/db.js';

/**
 * openTestDatabase, hardened for PostgreSQL shared with other test runs: Kysely's Migrator looks for
 * its bookkeeping tables in *every* schema, so while another run's schema has them it skips creating
 * them in ours and fails ("kysely_migration_lock does not exist"). Creating them first avoids that.
 * (Root fix belongs in src/store/migrate.ts: pass `migrationTableSchema`.)
 */
export async function openIsolatedTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'sqlite') return openTestDatabase('sqlite');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const database = await openDatabase(PG_URL, { schema, poolSize: 5 });
  await sql`create table if not exists kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(database.db);
  await sql`create table if not exists kysely_migration_lock (id varchar(255) not null primary key, is_locked integer not null default 0)`.execute(database.db);
  await migrateToLatest(database.db);
  return {
    ...database,
    url: PG_URL,
    cleanup: async () => {
      await database.close();
      await dropPostgresSchema(PG_URL, schema);
    },
  };
}
