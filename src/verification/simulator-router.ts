import express, { Router, type Request, type Response } from 'express';
import type { Clock } from '../core/clock.js';
import { CarrierTransientError } from './carrier.js';
import { CARRIER_SIGNATURE_HEADER, CARRIER_TIMESTAMP_HEADER, verifyCarrierSignature } from './carrier-signature.js';
import type { CarrierSimulator } from './simulator.js';

export interface SimulatorRouterDeps {
  simulator: CarrierSimulator;
  /** Shared HMAC secret of the simulated gateway. */
  secret: string;
  clock: Clock;
  /** Mount prefix when the router is used without a path (e.g. `/sim/carrier`); default none. */
  basePath?: string;
}

/**
 * The simulator as an HTTP carrier gateway: `POST /{channel}/verify` (mount e.g. at `/sim/carrier`).
 * A simulated timeout simply never answers until the client gives up.
 */
export function carrierSimulatorRouter(deps: SimulatorRouterDeps): Router {
  const router = Router();
  router.post(`${(deps.basePath ?? '').replace(/\/$/, '')}/:channel/verify`, express.raw({ type: '*/*', limit: '16kb' }), async (req: Request, res: Response) => {
    // If an outer JSON parser ran first, re-serialising gives back the same bytes for our clients.
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : JSON.stringify(req.body ?? {});
    const ok = verifyCarrierSignature(
      deps.secret,
      req.header(CARRIER_TIMESTAMP_HEADER),
      req.header(CARRIER_SIGNATURE_HEADER),
      raw,
      deps.clock.now().getTime(),
    );
    if (!ok) {
      res.status(401).json({ code: 'bad_signature' });
      return;
    }
    let body: { carrier?: unknown; cardNumber?: unknown; cardPin?: unknown; denomination?: unknown; requestId?: unknown };
    try {
      body = JSON.parse(raw);
    } catch {
      res.status(400).json({ code: 'bad_json' });
      return;
    }
    const { carrier, cardNumber, cardPin, denomination, requestId } = body;
    if (typeof carrier !== 'string' || typeof cardNumber !== 'string' || typeof cardPin !== 'string' ||
        typeof denomination !== 'number' || typeof requestId !== 'string') {
      res.status(400).json({ code: 'bad_request' });
      return;
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    try {
      const result = await deps.simulator.verify(
        String(req.params.channel),
        { carrier, cardNumber, cardPin, denomination, requestId },
        abort.signal,
      );
      res.json(result);
    } catch (e) {
      if (abort.signal.aborted || res.headersSent) return;
      const code = e instanceof CarrierTransientError ? e.code : 'carrier_error';
      res.status(503).json({ code });
    }
  });
  return router;
}
