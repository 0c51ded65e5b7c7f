import { createServer, type Server } from 'node:http';
import { createApp, type AppState } from '../api/app.js';
import { buildExtensions } from './extensions.js';
import type { Runtime } from './create-runtime.js';

/**
 * Listens, and on SIGTERM/SIGINT shuts down gracefully: readiness fails at once, the listener stops
 * taking connections, in-flight requests finish, then running jobs finish, then storage closes.
 */
export async function startServer(runtime: Runtime, options: { port: number; host?: string; installSignalHandlers?: boolean }): Promise<{ server: Server; stop(): Promise<void> }> {
  const state: AppState = { accepting: true };
  const ext = await buildExtensions(runtime);
  const app = createApp(runtime, ext.app, state);
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  ext.attach?.(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  runtime.logger.info({ port: typeof address === 'object' && address ? address.port : options.port, queue: runtime.queue.kind, database: runtime.database.dialect, profile: runtime.config.profile }, 'cardrecycle listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      state.accepting = false;
      runtime.logger.info('shutting down: finishing in-flight requests and jobs');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      force.unref();
      await closed;
      clearTimeout(force);
      await ext.close?.();
      await runtime.close();
      runtime.logger.info('shutdown complete');
    })());
  if (options.installSignalHandlers !== false) {
    const onSignal = () => void stop().then(() => process.exit(0), () => process.exit(1));
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { server, stop };
}
