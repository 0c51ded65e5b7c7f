import { createHmac, createVerify, timingSafeEqual, createSign, type KeyObject } from 'node:crypto';

/**
 * Merchant request signatures, in the shape of WeChat Pay API v3:
 *   Authorization: CR-HMAC-SHA256 keyId="…",timestamp="…",nonce="…",signature="…"
 *   signature = base64(HMAC-SHA256(secret, METHOD\nPATH_AND_QUERY\ntimestamp\nnonce\nBODY\n))
 * `CR-RSA-SHA256` signs the same message with the merchant's registered RSA key.
 */
export type SignatureScheme = 'CR-HMAC-SHA256' | 'CR-RSA-SHA256';

export interface AuthorizationHeader {
  scheme: SignatureScheme;
  keyId: string;
  timestamp: number;
  nonce: string;
  signature: string;
}

export type HeaderParseResult = { ok: true; value: AuthorizationHeader } | { ok: false; detail: string };

const PARAM = /^\s*([a-zA-Z]+)="([^"]*)"\s*$/;
const NONCE = /^[A-Za-z0-9_\-.]{8,64}$/;
const KEY_ID = /^[A-Za-z0-9_]{1,64}$/;

export function parseAuthorization(header: string | undefined): HeaderParseResult {
  if (!header) return { ok: false, detail: 'the Authorization header is missing' };
  const space = header.indexOf(' ');
  const scheme = space > 0 ? header.slice(0, space) : header;
  if (scheme !== 'CR-HMAC-SHA256' && scheme !== 'CR-RSA-SHA256') {
    return { ok: false, detail: 'the Authorization scheme must be CR-HMAC-SHA256 or CR-RSA-SHA256' };
  }
  const params = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const m = PARAM.exec(part);
    if (!m) return { ok: false, detail: 'the Authorization parameters must look like name="value", separated by commas' };
    if (params.has(m[1]!)) return { ok: false, detail: `the Authorization parameter ${m[1]} appears twice` };
    params.set(m[1]!, m[2]!);
  }
  const keyId = params.get('keyId');
  const timestamp = params.get('timestamp');
  const nonce = params.get('nonce');
  const signature = params.get('signature');
  if (!keyId || !timestamp || !nonce || !signature) {
    return { ok: false, detail: 'the Authorization header needs keyId, timestamp, nonce and signature' };
  }
  if (!KEY_ID.test(keyId)) return { ok: false, detail: 'keyId is malformed' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, detail: 'timestamp must be Unix seconds' };
  if (!NONCE.test(nonce)) return { ok: false, detail: 'nonce must be 8 to 64 characters of A-Z a-z 0-9 _ - .' };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return { ok: false, detail: 'signature must be base64' };
  return { ok: true, value: { scheme, keyId, timestamp: Number(timestamp), nonce, signature } };
}

export function signingMessage(method: string, pathAndQuery: string, timestamp: number | string, nonce: string, body: Buffer | string): Buffer {
  return Buffer.concat([
    Buffer.from(`${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n`, 'utf8'),
    typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    Buffer.from('\n', 'utf8'),
  ]);
}

export function hmacSignature(secret: string, message: Buffer): string {
  return createHmac('sha256', secret).update(message).digest('base64');
}

/** Constant-time: both sides are HMAC digests of equal length, compared with timingSafeEqual. */
export function verifyHmac(secret: string, message: Buffer, signature: string): boolean {
  const expected = createHmac('sha256', secret).update(message).digest();
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length) {
    // Still spend the comparison so timing does not reveal a length mismatch.
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, given);
}

export function verifyRsa(publicKey: KeyObject | string, message: Buffer, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Builds the Authorization header for a request: used by the CLI, the bench and the tests. */
export function authorizationHeader(options: {
  scheme?: SignatureScheme;
  keyId: string;
  secret?: string;
  privateKey?: KeyObject | string;
  method: string;
  pathAndQuery: string;
  body?: Buffer | string;
  timestamp: number;
  nonce: string;
}): string {
  const scheme = options.scheme ?? 'CR-HMAC-SHA256';
  const message = signingMessage(options.method, options.pathAndQuery, options.timestamp, options.nonce, options.body ?? '');
  let signature: string;
  if (scheme === 'CR-HMAC-SHA256') {
    if (!options.secret) throw new Error('an HMAC signature needs the secret');
    signature = hmacSignature(options.secret, message);
  } else {
    if (!options.privateKey) throw new Error('an RSA signature needs the private key');
    signature = createSign('RSA-SHA256').update(message).sign(options.privateKey, 'base64');
  }
  return `${scheme} keyId="${options.keyId}",timestamp="${options.timestamp}",nonce="${options.nonce}",signature="${signature}"`;
}
