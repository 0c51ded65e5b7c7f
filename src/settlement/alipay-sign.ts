/**
 * Alipay open API (v2 gateway) RSA2 signatures: SHA256withRSA over the parameters sorted by name,
 * `k=v` joined by `&`, empty values and `sign` left out. Requests sign `sign_type` too; async
 * notifies are verified without it (Alipay's rule for notifies: "除去 sign、sign_type").
 */
import { createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export type AlipayParams = Record<string, string>;

export function signContent(params: AlipayParams, exclude: readonly string[] = ['sign']): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

// Parsing a PEM costs more than the RSA operation itself (~2.5 ms vs ~1.5 ms): keep parsed keys.
const parsedKeys = new Map<string, KeyObject>();
function keyOf(pem: string, kind: 'private' | 'public'): KeyObject {
  let key = parsedKeys.get(pem);
  if (!key) {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    if (parsedKeys.size > 64) parsedKeys.clear();
    parsedKeys.set(pem, key);
  }
  return key;
}

export function rsa2Sign(content: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(keyOf(privateKeyPem, 'private'), 'base64');
}

/**
 * The same SHA256withRSA signature as rsa2Sign (PKCS#1 v1.5 is deterministic), computed on
 * libuv's thread pool: the ~0.5 ms private-key operation does not hold the event loop. Not
 * WebCrypto's subtle.sign: measured on Node 20 it spent ~0.3 ms of each signature on the main
 * thread anyway; crypto.sign with a callback spends ~20 µs there.
 */
export function rsa2SignAsync(content: string, privateKeyPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(content, 'utf8'), keyOf(privateKeyPem, 'private'), (err, signature) => (err ? reject(err) : resolve(signature.toString('base64'))));
  });
}

export function rsa2Verify(content: string, signature: string, publicKeyPem: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(keyOf(publicKeyPem, 'public'), signature, 'base64');
  } catch {
    return false;
  }
}

/** Adds `sign` to a request's parameters (which must include `sign_type: 'RSA2'`). */
export function signRequest(params: AlipayParams, privateKeyPem: string): AlipayParams {
  return { ...params, sign: rsa2Sign(signContent(params), privateKeyPem) };
}

export async function signRequestAsync(params: AlipayParams, privateKeyPem: string): Promise<AlipayParams> {
  return { ...params, sign: await rsa2SignAsync(signContent(params), privateKeyPem) };
}

export function verifyRequest(params: AlipayParams, publicKeyPem: string): boolean {
  return typeof params.sign === 'string' && rsa2Verify(signContent(params), params.sign, publicKeyPem);
}

export function signNotify(params: AlipayParams, privateKeyPem: string): AlipayParams {
  return { ...params, sign: rsa2Sign(signContent(params, ['sign', 'sign_type']), privateKeyPem) };
}

export async function signNotifyAsync(params: AlipayParams, privateKeyPem: string): Promise<AlipayParams> {
  return { ...params, sign: await rsa2SignAsync(signContent(params, ['sign', 'sign_type']), privateKeyPem) };
}

export function verifyNotify(params: AlipayParams, publicKeyPem: string): boolean {
  return typeof params.sign === 'string' && rsa2Verify(signContent(params, ['sign', 'sign_type']), params.sign, publicKeyPem);
}

/**
 * The signed part of a gateway response: the raw JSON text of `<method>_response`, exactly as sent
 * (re-serialising could reorder keys or change escapes, so we cut it out of the body).
 */
export function responseSignContent(rawBody: string, responseKey: string): string | undefined {
  const marker = `"${responseKey}"`;
  const start = rawBody.indexOf(marker);
  const signAt = rawBody.lastIndexOf(',"sign"');
  if (start < 0 || signAt < 0 || signAt < start) return undefined;
  const colon = rawBody.indexOf(':', start + marker.length);
  return rawBody.slice(colon + 1, signAt).trim();
}

/** Builds `{"<key>":<json>,"sign":"…"}` with the signature over exactly `<json>`. */
export function signedResponseBody(responseKey: string, payload: unknown, privateKeyPem: string): string {
  const json = JSON.stringify(payload);
  return `{"${responseKey}":${json},"sign":${JSON.stringify(rsa2Sign(json, privateKeyPem))}}`;
}

export async function signedResponseBodyAsync(responseKey: string, payload: unknown, privateKeyPem: string): Promise<string> {
  const json = JSON.stringify(payload);
  return `{"${responseKey}":${json},"sign":${JSON.stringify(await rsa2SignAsync(json, privateKeyPem))}}`;
}

export interface RsaKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** Dev/test keys (2048-bit, PKCS#8 / SPKI PEM). */
export function generateRsaKeyPair(): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Alipay timestamps: `yyyy-MM-dd HH:mm:ss` in China Standard Time (UTC+8, no DST). */
export function alipayTimestamp(at: Date): string {
  const cst = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${cst.slice(0, 10)} ${cst.slice(11, 19)}`;
}

/** An Alipay CST timestamp (or an ISO one) as ISO UTC; undefined when unparseable. */
export function alipayTimeToIso(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text.trim());
  const d = m ? new Date(`${m[1]}T${m[2]}+08:00`) : new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Fen as Alipay's yuan string with two decimals, exactly (no floating point). */
export function fenToYuanString(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`invalid amount ${fen}`);
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

export function yuanStringToFen(yuan: string): number {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!m) throw new RangeError(`invalid yuan amount ${JSON.stringify(yuan)}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}
