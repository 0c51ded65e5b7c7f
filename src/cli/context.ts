import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { openDatabase, type Db } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { createRuntime, type Runtime } from '../runtime/create-runtime.js';

/** A database handle for commands that only read or check data (ledger check, audit verify). */
export async function openCliContext(): Promise<{ db: Db; dialect: 'sqlite' | 'postgres'; close(): Promise<void> }> {
  const config = loadConfig();
  const database = await openDatabase(config.databaseUrl);
  await migrateToLatest(database.db);
  return { db: database.db, dialect: database.dialect, close: () => database.close() };
}

/** The whole runtime, quiet (warnings only on stderr): for commands that act like the service. */
export async function openCliRuntime(options: { workers?: boolean } = {}): Promise<Runtime> {
  const config = loadConfig();
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr as never });
  return createRuntime(config, { logger, workers: options.workers ?? false });
}
