export * from './types.js';
export * from './backoff.js';
export { DatabaseQueue, type DatabaseQueueOptions } from './database-queue.js';
export { BullQueue, type BullQueueOptions } from './bullmq-queue.js';
