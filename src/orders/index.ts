export * from './statuses.js';
export * from './port.js';
export * from './schemas.js';
export * from './order-events.js';
export * from './order-service.js';
export { registerValidationJob } from './validation-job.js';
