/**
 * Payout gateway adapter speaking Alipay's open API: `alipay.fund.trans.uni.transfer` (idempotent
 * on out_biz_no at Alipay's side), `alipay.fund.trans.common.query`, the bill download for
 * reconciliation, and verification of the async notify `alipay.fund.trans.order.changed`.
 */
import type { Clock } from '../core/clock.js';
import {
  alipayTimestamp, fenToYuanString, responseSignContent, rsa2Verify, signRequestAsync, verifyNotify, yuanStringToFen,
  type AlipayParams,
} from './alipay-sign.js';
import type { PayoutAccount } from './settings.js';

export interface GatewayHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  form?: AlipayParams;
}
export interface GatewayHttpResponse {
  status: number;
  body: string;
}
/** HTTP in production; the simulator's in-process handler in tests and benchmarks. */
export type GatewayTransport = (req: GatewayHttpRequest) => Promise<GatewayHttpResponse>;

export const fetchTransport =
  (timeoutMs = 10_000): GatewayTransport =>
  async (req) => {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.form ? { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' } : undefined,
      body: req.form ? new URLSearchParams(req.form).toString() : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: await res.text() };
  };

export interface TransferRequest {
  outBizNo: string;
  amountFen: number;
  payee: PayoutAccount;
  title: string;
}

export type TransferResult =
  | { kind: 'succeeded'; gatewayOrderId: string; paidAt: string }
  /** Alipay refused it for good (payee invalid, …): no money moved. */
  | { kind: 'failed'; code: string; message: string }
  /** Accepted but not final (DEALING), or the outcome is unknown: ask again with the same out_biz_no. */
  | { kind: 'pending'; gatewayOrderId?: string; code?: string };

export interface StatementRow {
  outBizNo: string;
  gatewayOrderId: string;
  amountFen: number;
  status: 'SUCCESS' | 'FAIL';
  paidAt: string;
}

export interface GatewayNotice {
  notifyId: string;
  outBizNo: string;
  gatewayOrderId: string;
  status: string;
  amountFen: number;
  paidAt: string;
}

export interface PayoutGateway {
  transfer(req: TransferRequest): Promise<TransferResult>;
  query(outBizNo: string): Promise<TransferResult | { kind: 'not_found' }>;
  statement(billDate: string): Promise<StatementRow[]>;
  /** Verifies an async notify's signature and app id; undefined when it is not genuine. */
  parseNotify(params: AlipayParams): GatewayNotice | undefined;
}

export interface AlipayGatewayOptions {
  appId: string;
  appPrivateKeyPem: string;
  /** Alipay's (or the simulator's) public key: verifies responses and notifies. */
  gatewayPublicKeyPem: string;
  gatewayUrl: string;
  notifyUrl?: string;
  transport: GatewayTransport;
  clock: Clock;
}

/** Sub-codes after which retrying with the same out_biz_no may succeed. */
const TRANSIENT = new Set(['SYSTEM_ERROR', 'aop.SYSTEM_ERROR', 'ISP.SYSTEM_ERROR', 'SERVICE_UNAVAILABLE']);

class GatewayProtocolError extends Error {
  override name = 'GatewayProtocolError';
}

interface AlipayResponse {
  code?: string;
  msg?: string;
  sub_code?: string;
  sub_msg?: string;
  [k: string]: unknown;
}

export class AlipayGateway implements PayoutGateway {
  constructor(private readonly o: AlipayGatewayOptions) {}

  private async call(method: string, biz: Record<string, unknown>, withNotify: boolean): Promise<AlipayResponse> {
    const params: AlipayParams = {
      app_id: this.o.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: alipayTimestamp(this.o.clock.now()),
      version: '1.0',
      biz_content: JSON.stringify(biz),
    };
    if (withNotify && this.o.notifyUrl) params.notify_url = this.o.notifyUrl;
    const res = await this.o.transport({ method: 'POST', url: this.o.gatewayUrl, form: await signRequestAsync(params, this.o.appPrivateKeyPem) });
    // A 5xx or garbled answer says nothing about whether the transfer happened: the caller retries.
    if (res.status !== 200) throw new GatewayProtocolError(`gateway HTTP ${res.status}`);
    const responseKey = `${method.replaceAll('.', '_')}_response`;
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(res.body) as Record<string, unknown>;
    } catch {
      throw new GatewayProtocolError('gateway answered non-JSON');
    }
    const payload = doc[responseKey] as AlipayResponse | undefined;
    if (!payload) throw new GatewayProtocolError(`no ${responseKey} in the answer`);
    const signed = responseSignContent(res.body, responseKey);
    // Alipay leaves some error answers (e.g. bad app id) unsigned; only a successful one must be signed.
    if (typeof doc.sign === 'string') {
      if (!signed || !rsa2Verify(signed, doc.sign, this.o.gatewayPublicKeyPem)) throw new GatewayProtocolError('bad response signature');
    } else if (payload.code === '10000') {
      throw new GatewayProtocolError('unsigned success answer');
    }
    return payload;
  }

  async transfer(req: TransferRequest): Promise<TransferResult> {
    const r = await this.call(
      'alipay.fund.trans.uni.transfer',
      {
        out_biz_no: req.outBizNo,
        trans_amount: fenToYuanString(req.amountFen),
        product_code: 'TRANS_ACCOUNT_NO_PWD',
        biz_scene: 'DIRECT_TRANSFER',
        order_title: req.title,
        payee_info: { identity: req.payee.identity, identity_type: req.payee.identityType, ...(req.payee.name ? { name: req.payee.name } : {}) },
      },
      true,
    );
    return toResult(r);
  }

  async query(outBizNo: string): Promise<TransferResult | { kind: 'not_found' }> {
    const r = await this.call('alipay.fund.trans.common.query', { out_biz_no: outBizNo, product_code: 'TRANS_ACCOUNT_NO_PWD', biz_scene: 'DIRECT_TRANSFER' }, false);
    if (r.code !== '10000' && r.sub_code === 'ORDER_NOT_EXIST') return { kind: 'not_found' };
    return toResult(r);
  }

  async statement(billDate: string): Promise<StatementRow[]> {
    const r = await this.call('alipay.data.dataservice.bill.downloadurl.query', { bill_type: 'trade', bill_date: billDate }, false);
    if (r.code !== '10000' || typeof r.bill_download_url !== 'string') throw new GatewayProtocolError(`bill download failed: ${r.sub_code ?? r.code}`);
    const file = await this.o.transport({ method: 'GET', url: r.bill_download_url });
    if (file.status !== 200) throw new GatewayProtocolError(`bill file HTTP ${file.status}`);
    return parseStatementCsv(file.body);
  }

  parseNotify(params: AlipayParams): GatewayNotice | undefined {
    if (!verifyNotify(params, this.o.gatewayPublicKeyPem)) return undefined;
    if (params.app_id !== this.o.appId || params.msg_method !== 'alipay.fund.trans.order.changed') return undefined;
    try {
      const biz = JSON.parse(params.biz_content ?? '') as Record<string, string>;
      return {
        notifyId: params.notify_id ?? '',
        outBizNo: String(biz.out_biz_no),
        gatewayOrderId: String(biz.order_id),
        status: String(biz.status),
        amountFen: yuanStringToFen(String(biz.trans_amount)),
        paidAt: String(biz.pay_date ?? ''),
      };
    } catch {
      return undefined;
    }
  }
}

function toResult(r: AlipayResponse): TransferResult {
  if (r.code === '10000') {
    const status = String(r.status ?? '');
    const orderId = typeof r.order_id === 'string' ? r.order_id : '';
    if (status === 'SUCCESS') return { kind: 'succeeded', gatewayOrderId: orderId, paidAt: String(r.trans_date ?? r.pay_date ?? '') };
    if (status === 'FAIL' || status === 'CLOSED') return { kind: 'failed', code: String(r.fail_reason ?? status), message: 'transfer failed' };
    return { kind: 'pending', gatewayOrderId: orderId || undefined, code: status };
  }
  const sub = r.sub_code ?? r.code ?? 'UNKNOWN';
  if (r.code === '20000' || TRANSIENT.has(sub)) return { kind: 'pending', code: sub };
  return { kind: 'failed', code: sub, message: r.sub_msg ?? r.msg ?? 'refused' };
}

/** Bill CSV: header `out_biz_no,order_id,amount,status,pay_date`, amounts in yuan. */
export function parseStatementCsv(text: string): StatementRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const [header, ...rows] = lines;
  if (header?.trim() !== 'out_biz_no,order_id,amount,status,pay_date') throw new GatewayProtocolError('unexpected bill header');
  return rows.map((line) => {
    const [outBizNo = '', gatewayOrderId = '', amount = '', status = '', paidAt = ''] = line.split(',');
    if (status !== 'SUCCESS' && status !== 'FAIL') throw new GatewayProtocolError(`bad bill status ${status}`);
    return { outBizNo, gatewayOrderId, amountFen: yuanStringToFen(amount), status, paidAt };
  });
}
