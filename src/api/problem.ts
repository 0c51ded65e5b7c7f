import type { ErrorRequestHandler, Response } from 'express';
import { AppError, isAppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** application/problem+json (RFC 9457) with our stable `code`; `type` is a URN built from it. */
export function sendProblem(res: Response, err: AppError, requestId?: string): void {
  res
    .status(err.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `urn:cardrecycle:problem:${err.code}`,
        title: err.title,
        status: err.status,
        code: err.code,
        detail: err.detail,
        ...err.extra,
        ...(requestId ? { requestId } : {}),
      }),
    );
}

/** Errors thrown by express's body reader carry a `type`; they are the client's fault. */
function fromBodyParser(err: { type?: string; status?: number; message?: string }): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 413, 'Payload too large', { detail: 'the request body is larger than this endpoint accepts' });
    case 'entity.parse.failed':
      return new AppError('malformed_json', 400, 'Bad request', { detail: 'the request body is not valid JSON' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_encoding', 415, 'Unsupported media type', { detail: 'the body encoding or charset is not supported' });
    case 'request.aborted':
      return new AppError('request_aborted', 400, 'Bad request', { detail: 'the client aborted the request' });
    case 'request.size.invalid':
      return new AppError('invalid_content_length', 400, 'Bad request', { detail: 'the body does not match its Content-Length' });
    default:
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
        return new AppError('bad_request', err.status, 'Bad request', { detail: 'the request could not be read' });
      }
      return undefined;
  }
}

/** The one error middleware (DESIGN convention 4): unknown errors are logged and hidden. */
export function problemMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = (req as { id?: string }).id;
    let appErr = isAppError(err) ? err : fromBodyParser(err as { type?: string; status?: number });
    if (!appErr) {
      logger.error({ err, requestId, route: req.route?.path }, 'unhandled error');
      appErr = new AppError('internal_error', 500, 'Internal server error', { detail: 'something went wrong on our side; the request id helps us find it' });
    } else if (appErr.status >= 500) {
      logger.error({ err, requestId, code: appErr.code }, 'request failed');
    }
    if (res.headersSent) return;
    sendProblem(res, appErr, requestId);
  };
}
