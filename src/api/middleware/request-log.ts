import type { RequestHandler } from 'express';
import { newId } from '../../core/ids.js';
import type { Logger } from '../../core/logger.js';

const INCOMING_ID = /^[A-Za-z0-9_\-.]{1,128}$/;

/**
 * A request id for every request (taken from X-Request-Id when sane, echoed back) and one pino line
 * when the response ends: debug for success, info for 4xx, error for 5xx. Bodies and headers are
 * never logged: they carry card numbers, PINs and signatures.
 *
 * Not pino-http: it builds a child logger and serialises the request for every request, which cost
 * a fifth of the signed read path's CPU in bench/api.ts; this does the same work only when the line
 * is actually written.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : newId('req');
    (req as { id?: string }).id = id;
    res.setHeader('X-Request-Id', id);
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        { reqId: id, req: { method: req.method, url: req.originalUrl.split('?')[0], remoteAddress: req.socket.remoteAddress }, res: { statusCode: status }, responseTime: Number(process.hrtime.bigint() - start) / 1e6 },
        'request completed',
      );
    });
    next();
  };
}
