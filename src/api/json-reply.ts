import type { Response } from 'express';

/**
 * A 200 JSON reply with the headers `res.json` sets, written straight to Node's response. Express
 * parses and re-formats the Content-Type on every `res.json` (setCharset) and copies the body to a
 * Buffer; on a signed read that was ~4% of the CPU in bench/api.ts. A string body also leaves with
 * the headers in one socket write. For GET handlers only: POST replies must pass through `res.send`,
 * where the idempotency middleware records them.
 */
export function replyJson(res: Response, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  // Node drops the body of a HEAD reply itself and keeps the length.
  res.end(text);
}
