import { openTestDatabase, type Backend, type TestDatabase } from '../helpers/db.js';

/** The settlement tests' database: a fresh SQLite file or PostgreSQL schema (see test/helpers/db.ts). */
export function openDb(backend: Backend): Promise<TestDatabase> {
  return openTestDatabase(backend);
}
