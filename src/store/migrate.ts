import { Migrator, PostgresAdapter, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import { coreMigrations } from './migrations/core.js';
import { migrations as verificationMigrations } from '../verification/migrations.js';
import { migrations as riskMigrations } from '../risk/migrations.js';
import { migrations as settlementMigrations } from '../settlement/migrations.js';
import { migrations as pricingMigrations } from '../pricing/migrations.js';

/**
 * Every domain owns its migrations; names carry a numeric prefix so the order is global:
 * 0xxx core (store, orders, merchants, security, audit, queue), 1xxx verification, 2xxx risk,
 * 3xxx settlement, 4xxx pricing.
 */
export function allMigrations(): Record<string, Migration> {
  const all: Record<string, Migration> = {};
  for (const group of [coreMigrations, verificationMigrations, riskMigrations, settlementMigrations, pricingMigrations]) {
    for (const [name, m] of Object.entries(group)) {
      if (all[name]) throw new Error(`duplicate migration name ${name}`);
      all[name] = m;
    }
  }
  return all;
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

/**
 * On PostgreSQL Kysely's migration tables go into the connection's current schema, named
 * explicitly: with several schemas in one database its existence check otherwise sees another
 * schema's tables (tests run one schema each).
 */
export async function migrateToLatest(db: Db): Promise<void> {
  let schema: string | undefined;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db);
    schema = rows[0]?.s;
  }
  // Unordered: each domain numbers its own range, so a new core migration (0xxx) arrives after a
  // database has already run later domains' ones (1xxx…4xxx); Kysely refuses that by default.
  const migrator = new Migrator({
    db, provider: new StaticProvider(allMigrations()), allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
