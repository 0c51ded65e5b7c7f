import type { CompiledQuery, Compilable, QueryResult } from 'kysely';

interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/**
 * A query built and compiled once, then run with fresh parameter values: for small indexed reads
 * on hot paths, Kysely's builder and compiler cost more than the database does. The query is
 * compiled with unique placeholder strings; running it swaps each placeholder for its argument,
 * wherever the compiler put it, so the SQL text (and SQLite's cached statement) never changes.
 */
export function precompile<Row>(runner: QueryRunner, arity: number, build: (params: string[]) => Compilable<Row>): (...args: unknown[]) => Promise<Row[]> {
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
  return async (...args) => {
    if (args.length !== arity) throw new Error(`precompiled query takes ${arity} parameters, got ${args.length}`);
    compiled ??= compile();
    const parameters = compiled.slots.map((s) => (typeof s === 'number' ? args[s] : s.value));
    const result = await runner.executeQuery<Row>({ ...compiled.query, parameters });
    return result.rows;
  };
}
