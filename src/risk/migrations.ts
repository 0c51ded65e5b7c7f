import type { Migration } from 'kysely';

/** This domain's tables. Names start with the domain's number range (see src/store/migrate.ts). */
export const migrations: Record<string, Migration> = {};
