import type { Server } from 'node:http';
import type { AppExtensions } from '../api/app.js';
import type { Runtime } from './create-runtime.js';

/**
 * Routes and attachments of the pipeline domains (recognition, pricing, verification, settlement),
 * built once per server. Each domain is wired here and nowhere else.
 */
export interface ServerExtensions {
  app: AppExtensions;
  attach?: (server: Server) => void;
  close?: () => Promise<void>;
}

export async function buildExtensions(_runtime: Runtime): Promise<ServerExtensions> {
  return { app: {} };
}
