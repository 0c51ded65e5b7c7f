export * from './merchant-service.js';
