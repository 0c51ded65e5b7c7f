import { pinoHttp } from 'pino-http';
import type { RequestHandler } from 'express';
import { newId } from '../../core/ids.js';
import type { Logger } from '../../core/logger.js';

const INCOMING_ID = /^[A-Za-z0-9_\-.]{1,128}$/;

/**
 * One JSON log line per request with its request id (taken from X-Request-Id when sane). Bodies and
 * headers are never logged: they carry card numbers, PINs and signatures.
 */
export function requestLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : newId('req');
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    serializers: {
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0], remoteAddress: req.remoteAddress }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }) as unknown as RequestHandler;
}
