import type { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { createRuntime } from '../../runtime/create-runtime.js';
import { startServer } from '../../runtime/server.js';

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API (and, without REDIS_URL, the in-process job workers)')
    .option('--no-workers', 'do not run job workers in this process')
    .action(async (opts: { workers: boolean }) => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel });
      const runtime = await createRuntime(config, { logger, workers: opts.workers });
      await startServer(runtime, { port: config.port });
    });

  program
    .command('worker')
    .description('run queue workers only (BullMQ when REDIS_URL is set, else the database queue)')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel });
      const runtime = await createRuntime(config, { logger, workers: true });
      logger.info({ queue: runtime.queue.kind }, 'worker started');
      const stop = async () => {
        logger.info('worker stopping: finishing running jobs');
        await runtime.close();
        process.exit(0);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
