import { registerValidationJob } from '../orders/validation-job.js';
import type { Runtime } from './create-runtime.js';

/**
 * Every job processor of the order pipeline, registered on the runtime's queue. Processes that
 * call this consume jobs: `serve` (in-process queue) and `worker` (BullMQ).
 */
export function registerPipeline(runtime: Runtime): void {
  registerValidationJob(runtime.queue, { orders: runtime.orders, logger: runtime.logger });
}
