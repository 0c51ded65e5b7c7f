import type { Server } from 'node:http';
import type { Router } from 'express';
import type { AppExtensions } from '../api/app.js';
import { diagnosisRoutes } from '../api/routes/diagnosis.js';
import { pricingRoutes } from '../api/routes/pricing.js';
import { recognitionRoutes } from '../api/routes/recognitions.js';
import { reviewRoutes } from '../api/routes/review.js';
import { settlementRoutes } from '../api/routes/settlement.js';
import { createDiagnosisMetrics } from '../diagnosis/index.js';
import { lazyRecognizer } from '../recognition/index.js';
import { carrierSimulatorRouter, DEV_CARRIER_SECRET } from '../verification/index.js';
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

export async function buildExtensions(runtime: Runtime): Promise<ServerExtensions> {
  const { pipeline } = runtime;
  const dev = runtime.config.profile === 'dev';
  // Models and OCR workers load on the first recognition, so start-up stays fast;
  // CARDRECYCLE_WARM_MODELS=1 loads them in the background at start instead.
  const recognizer = lazyRecognizer({ ocr: true });
  if (process.env.CARDRECYCLE_WARM_MODELS === '1') recognizer.warmUp().catch((e: unknown) => runtime.logger.warn({ err: e }, 'recognition model not loaded'));
  const merchantRouters: Router[] = [
    recognitionRoutes({ recognizer }),
    pricingRoutes({ pricing: pipeline.pricing, policyFor: pipeline.policyFor }),
    reviewRoutes({ reviews: pipeline.verification.reviews }),
    diagnosisRoutes({ orders: runtime.orders, history: (id) => runtime.orders.history(id), metrics: createDiagnosisMetrics(runtime.metrics.registry) }),
  ];
  // The gateway's notify is verified by its own RSA2 signature, not a merchant's.
  const publicRouters: Router[] = [settlementRoutes({ handleNotify: pipeline.settlement.handleNotify, simulator: dev ? pipeline.gateway.simulator : undefined })];
  if (dev && pipeline.verification.simulator) {
    publicRouters.push(carrierSimulatorRouter({ simulator: pipeline.verification.simulator, secret: DEV_CARRIER_SECRET, clock: runtime.clock, basePath: '/sim/carrier' }));
  }
  return {
    app: { merchantRouters, publicRouters },
    attach: (server) => pipeline.attachStream(server),
    close: () => recognizer.close(),
  };
}
