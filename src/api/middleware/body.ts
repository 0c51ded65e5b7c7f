import express, { type RequestHandler } from 'express';
import { AppError } from '../../core/errors.js';

/** Raw bytes of the body, kept for the signature check and then parsed per route. */
export const RAW_BODY_LIMIT = '10mb';
export const JSON_BODY_LIMIT = 2 * 1024 * 1024;

export interface RawBodyRequest {
  rawBody?: Buffer;
}

export function readRawBody(): RequestHandler {
  const raw = express.raw({ type: () => true, limit: RAW_BODY_LIMIT });
  return (req, res, next) => {
    // Most reads carry no body: skip the stream machinery (the signature covers an empty body).
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      (req as RawBodyRequest).rawBody = Buffer.alloc(0);
      return next();
    }
    raw(req, res, (err?: unknown) => {
      if (err) return next(err);
      (req as RawBodyRequest).rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      req.body = undefined;
      next();
    });
  };
}

/** For routes that take JSON: checks the media type and size, then parses the raw body. */
export function jsonBody(): RequestHandler {
  return (req, _res, next) => {
    const raw = (req as RawBodyRequest).rawBody ?? Buffer.alloc(0);
    const type = req.headers['content-type'];
    if (!type || !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
      return next(new AppError('unsupported_media_type', 415, 'Unsupported media type', { detail: 'send the body as application/json' }));
    }
    if (/charset=/i.test(type) && !/charset="?utf-8"?/i.test(type)) {
      return next(new AppError('unsupported_encoding', 415, 'Unsupported media type', { detail: 'the JSON body must be UTF-8' }));
    }
    if (raw.length > JSON_BODY_LIMIT) {
      return next(new AppError('payload_too_large', 413, 'Payload too large', { detail: `JSON bodies are limited to ${JSON_BODY_LIMIT} bytes` }));
    }
    if (raw.length === 0) return next(new AppError('malformed_json', 400, 'Bad request', { detail: 'the request body is empty' }));
    try {
      req.body = JSON.parse(raw.toString('utf8'));
    } catch {
      return next(new AppError('malformed_json', 400, 'Bad request', { detail: 'the request body is not valid JSON' }));
    }
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      return next(new AppError('validation_failed', 400, 'Bad request', { detail: 'the request body must be a JSON object' }));
    }
    next();
  };
}
