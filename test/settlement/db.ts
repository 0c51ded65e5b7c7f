import { openTestDatabase, type Backend, type TestDatabase } from '../helpers/db.js';

/**
 * openTestDatabase, retried: Kysely's migrator looks for its lock table in *any* schema, so while
 * another suite's schema is mid-migration on the shared PostgreSQL it skips creating its own and
 * fails with `relation "kysely_migration_lock" does not exist`. (Fix belongs in src/store/migrate.ts:
 * `migrationTableSchema`.)
 */
export async function openDb(backend: Backend): Promise<TestDatabase> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openTestDatabase(backend);
    } catch (e) {
      if (attempt >= 8 || !String(e).includes('kysely_migration')) throw e;
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 500));
    }
  }
}
