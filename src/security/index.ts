export * from './master-keys.js';
export * from './envelope.js';
export * from './blind-index.js';
export * from './signature.js';
export * from './nonce-store.js';
export * from './request-authenticator.js';
export * from './idempotency.js';
