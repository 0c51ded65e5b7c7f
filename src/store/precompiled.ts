import type { CompiledQuery, Compilable, QueryResult } from 'kysely';

export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

export interface Precompiled<Row> {
  /** Runs on the runner given at creation; the rows. */
  (...args: unknown[]): Promise<Row[]>;
  /** Runs on another runner of the same database (a transaction); the whole result. */
  run(runner: QueryRunner, ...args: unknown[]): Promise<QueryResult<Row>>;
}

/** A placeholder where the builder's types want a number (the value bound at run time is one). */
export const numeric = (placeholder: string | undefined): number => placeholder as unknown as number;

/**
 * A query built and compiled once, then run with fresh parameter values: for small indexed reads
 * and writes on hot paths, Kysely's builder and compiler cost more than the database does. The
 * query is compiled with unique placeholder strings; running it swaps each placeholder for its
 * argument, wherever the compiler put it (a placeholder may appear twice), so the SQL text (and
 * SQLite's cached statement) never changes. Builders see the placeholders as strings: wrap one in
 * `numeric()` where a number is expected.
 */
export function precompile<Row>(runner: QueryRunner, arity: number, build: (params: string[]) => Compilable<Row>): Precompiled<Row> {
  let compiled: { query: CompiledQuery<Row>; slots: Array<number | { value: unknown }> } | undefined;
  const compile = () => {
    const placeholders = Array.from({ length: arity }, (_, i) => `\u0000precompiled-parameter-${i}\u0000`);
    const query = build(placeholders).compile();
    const slots = query.parameters.map((p) => {
      const i = typeof p === 'string' ? placeholders.indexOf(p) : -1;
      return i >= 0 ? i : { value: p };
    });
    return { query, slots };
  };
  const run = (on: QueryRunner, args: unknown[]) => {
    if (args.length !== arity) throw new Error(`precompiled query takes ${arity} parameters, got ${args.length}`);
    compiled ??= compile();
    const parameters = compiled.slots.map((s) => (typeof s === 'number' ? args[s] : s.value));
    return on.executeQuery<Row>({ ...compiled.query, parameters });
  };
  const onDefault = async (...args: unknown[]) => (await run(runner, args)).rows;
  return Object.assign(onDefault, { run: (on: QueryRunner, ...args: unknown[]) => run(on, args) });
}

/** Anything that builds and runs queries: a Kysely handle or a transaction of one. */
interface QueryHandle extends QueryRunner {
  getExecutor(): { adapter: object };
}

export interface SharedPrecompiled<Row> {
  /** Runs on `on` (a handle or a transaction); the whole result. */
  run(on: QueryHandle, ...args: unknown[]): Promise<QueryResult<Row>>;
  /** Runs on `on`; the rows. */
  rows(on: QueryHandle, ...args: unknown[]): Promise<Row[]>;
}

/**
 * `precompile` for code that is handed its handle or transaction on each call (ledger functions,
 * stores used inside callers' transactions): compiled on first use for each SQL dialect in the
 * process (SQLite and PostgreSQL may both be open, in tests) with the handle given, then reused.
 */
export function sharedPrecompile<Row, H extends QueryHandle = QueryHandle>(arity: number, build: (on: H, params: string[]) => Compilable<Row>): SharedPrecompiled<Row> {
  const byDialect = new WeakMap<object, Precompiled<Row>>();
  const of = (on: QueryHandle) => {
    const adapter = on.getExecutor().adapter;
    let p = byDialect.get(adapter);
    if (!p) {
      p = precompile<Row>(on, arity, (params) => build(on as H, params));
      byDialect.set(adapter, p);
    }
    return p;
  };
  return {
    run: (on, ...args) => of(on).run(on, ...args),
    rows: async (on, ...args) => (await of(on).run(on, ...args)).rows,
  };
}
