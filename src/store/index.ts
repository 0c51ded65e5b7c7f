export { openDatabase, dropPostgresSchema, type Database, type Db, type Dialect } from './database.js';
export { migrateToLatest, allMigrations } from './migrate.js';
export type * from './tables.js';
export { isUniqueViolation } from './errors.js';
export { precompile } from './precompiled.js';
