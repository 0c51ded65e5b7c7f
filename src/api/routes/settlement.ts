import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { Router } from 'express';
import { z } from 'zod';
import type { AlipayParams } from '../../settlement/alipay-sign.js';
import type { GatewaySimulator } from '../../settlement/gateway-simulator.js';

/**
 * Settlement's public routes: Alipay's async notify (authenticated by the gateway's RSA2 signature,
 * not by a merchant signature, so mount it among the app's public routers) and, in the dev
 * profile, the gateway simulator under /sim/gateway.
 */
export interface SettlementRouteDeps {
  handleNotify(params: AlipayParams): Promise<'success' | 'fail'>;
  simulator?: GatewaySimulator;
}

export const NOTIFY_PATH = '/v1/gateway/alipay/notify';

export function settlementRoutes(deps: SettlementRouteDeps): Router {
  const r = Router();
  r.post(NOTIFY_PATH, express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 }), async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const params: AlipayParams = {};
      for (const [k, v] of Object.entries(body)) if (typeof v === 'string') params[k] = v;
      const answer = await deps.handleNotify(params);
      // Alipay reads the literal body: `success` stops its retries, anything else asks for another try.
      res.status(200).type('text/plain').send(answer);
    } catch (e) {
      next(e);
    }
  });
  if (deps.simulator) r.use('/sim/gateway', deps.simulator.router());
  return r;
}

export function registerSettlementOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: NOTIFY_PATH,
    summary: 'Alipay async notify for payouts (alipay.fund.trans.order.changed)',
    description: 'Verified by the gateway RSA2 signature over the sorted parameters (sign and sign_type excluded). Answers the literal `success`, or `fail` for a bad signature.',
    request: {
      body: {
        content: {
          'application/x-www-form-urlencoded': {
            schema: z.object({
              notify_id: z.string(), msg_method: z.string(), app_id: z.string(), biz_content: z.string(),
              sign: z.string(), sign_type: z.string(), utc_timestamp: z.string().optional(), version: z.string().optional(), charset: z.string().optional(),
            }),
          },
        },
      },
    },
    responses: { 200: { description: '`success` or `fail`', content: { 'text/plain': { schema: z.enum(['success', 'fail']) } } } },
  });
}
