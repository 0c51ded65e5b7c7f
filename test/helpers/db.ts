import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, dropPostgresSchema, type Database } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The storage backends every storage test runs against: a fresh SQLite file and a fresh PG schema. */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestDatabase extends Database {
  url: string;
  cleanup(): Promise<void>;
}

export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'cr-test-'));
    const url = `file:${join(dir, 'test.db')}`;
    const database = await openDatabase(url);
    await migrateToLatest(database.db);
    return {
      ...database,
      url,
      cleanup: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const database = await openDatabase(PG_URL, { schema, poolSize: 5 });
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
