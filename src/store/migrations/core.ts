import type { Migration } from "kysely";
export const coreMigrations: Record<string, Migration> = {};
