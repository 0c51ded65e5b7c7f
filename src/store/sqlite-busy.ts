import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';

/**
 * Waiting for SQLite's write lock without blocking the event loop.
 *
 * With `serve` and `worker` processes on one SQLite file, each write waits while the other process
 * holds the single write lock. SQLite's own busy timeout waits inside the (synchronous) call: the
 * whole process stops, and it sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries, so a lock held for
 * a fraction of a millisecond costs the waiter many milliseconds, during which its HTTP requests
 * and other jobs stand still too. Here the connection's busy timeout is 0 and a refused statement
 * is tried again from the event loop (see `pause`) until `timeoutMs` has passed, while the rest of
 * the process goes on.
 *
 * Only statements that SQLite lets us retry as they are: any statement outside an explicit
 * transaction (it did nothing), BEGIN (its lock was not taken) and COMMIT. A statement inside a
 * transaction that was refused would need the transaction rolled back; with BEGIN IMMEDIATE no
 * write inside one is ever refused, so such an error is passed on.
 */
export function retryingWhenBusy(connection: DatabaseConnection, inTransaction: () => boolean, timeoutMs: number): DatabaseConnection {
  return {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      let started = 0;
      for (;;) {
        const retriable = !inTransaction() || /^\s*commit\b/i.test(query.sql);
        try {
          return await connection.executeQuery<R>(query);
        } catch (e) {
          if (!retriable || !isBusy(e)) throw e;
          const now = Date.now();
          started ||= now;
          if (now - started >= timeoutMs) throw e;
          await pause(now - started);
        }
      }
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

const isBusy = (e: unknown): boolean => typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('SQLITE_BUSY');

/**
 * For the first milliseconds, again on the next event-loop turn: the other process holds the lock
 * for well under a millisecond at a time, with gaps as short between its transactions, and a
 * waiter polling on a timer would miss most gaps (intake waiting behind a busy worker). Then every
 * millisecond, so a long wait does not spin.
 */
const pause = (waitedMs: number) => new Promise<void>((resolve) => (waitedMs < EAGER_MS ? setImmediate(resolve) : setTimeout(resolve, 1)));
const EAGER_MS = 3;
