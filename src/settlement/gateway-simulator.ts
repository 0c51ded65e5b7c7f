/**
 * The dev profile's payout gateway: speaks the subset of Alipay's open API the adapter uses,
 * verifies our RSA2 signatures, is idempotent on out_biz_no like Alipay, signs answers and async
 * notifies with its own key, and serves a daily bill for reconciliation. Usable in-process
 * (`transport`) or over HTTP (`router()`, e.g. mounted at `/sim/gateway`).
 *
 * Test payees, like a provider's test numbers: an identity containing `nonexist` is refused
 * (PAYEE_NOT_EXIST); `dealing` stays DEALING until `settleDealing()`.
 * Chaos: `injectFaults()` makes the next calls fail with SYSTEM_ERROR, or perform the transfer and
 * then lose the answer (HTTP 502), the case that tests exactly-once payouts.
 *
 * Its transfers live in a SimTransferStore: in memory by default, in the database in the dev
 * profile (shared by every process of the deployment, see gateway-sim-store.ts).
 */
import express, { type Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import {
  alipayTimestamp, fenToYuanString, generateRsaKeyPair, signNotifyAsync, signedResponseBodyAsync, verifyRequest, yuanStringToFen,
  type AlipayParams, type RsaKeyPair,
} from './alipay-sign.js';
import type { GatewayTransport } from './alipay-gateway.js';
import { MemorySimTransferStore, type SimTransfer, type SimTransferStore } from './gateway-sim-store.js';

export type { SimTransfer } from './gateway-sim-store.js';

export type SimFault = 'system_error' | 'lost_response';

/** How the simulator delivers async notifies: HTTP POST by default, a function in-process. */
export type SimNotifier = (url: string, params: AlipayParams) => Promise<void>;

export interface GatewaySimulatorOptions {
  appId: string;
  /** Our application's public key, to verify request signatures. */
  appPublicKeyPem: string;
  clock: Clock;
  keys?: RsaKeyPair;
  /** Base URL the bill download links point at (in-process: any prefix the transport owns). */
  baseUrl?: string;
  notifier?: SimNotifier;
  notifyDelayMs?: number;
  /** Where transfers live (default: in memory, this instance only). */
  store?: SimTransferStore;
}

const httpNotifier: SimNotifier = async (url, params) => {
  await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
};

export class GatewaySimulator {
  readonly keys: RsaKeyPair;
  readonly baseUrl: string;
  readonly store: SimTransferStore;
  /** Transfers this instance has seen (with a shared store, other processes' are not here). */
  private readonly transfers = new Map<string, SimTransfer>();
  /**
   * Every transfer that moved money through this instance, in order: with the default store the
   * ground truth for "exactly one payout per order"; with a shared store, `statement()` is.
   */
  readonly executed: SimTransfer[] = [];
  /** Extra statement rows for reconciliation tests (duplicates, strangers). */
  readonly statementExtras: SimTransfer[] = [];
  private faults: SimFault[] = [];
  private randomFaultRate = 0;
  private seq = 0;
  readonly notifyLog: { url: string; params: AlipayParams; ok: boolean }[] = [];
  private pendingNotifies = new Set<Promise<void>>();

  constructor(private readonly o: GatewaySimulatorOptions) {
    this.keys = o.keys ?? generateRsaKeyPair();
    this.baseUrl = o.baseUrl ?? 'http://gateway.sim';
    this.store = o.store ?? new MemorySimTransferStore();
  }

  get gatewayUrl(): string {
    return `${this.baseUrl}/gateway.do`;
  }

  injectFaults(...faults: SimFault[]): void {
    this.faults.push(...faults);
  }

  /** Each transfer call fails at random with this probability (half lost answers, half errors). */
  setRandomFaultRate(rate: number): void {
    this.randomFaultRate = rate;
  }

  transferCount(outBizNo: string): number {
    return this.executed.filter((t) => t.outBizNo === outBizNo).length;
  }

  get(outBizNo: string): SimTransfer | undefined {
    return this.transfers.get(outBizNo);
  }

  /** Finishes DEALING transfers (money moves now) and notifies. */
  async settleDealing(): Promise<void> {
    for (const t of await this.store.finishDealing()) {
      this.transfers.set(t.outBizNo, t);
      this.executed.push(t);
      this.notify(t);
    }
  }

  /** Resolves when every notify sent so far has been answered. */
  async flushNotifies(): Promise<void> {
    while (this.pendingNotifies.size > 0) await Promise.allSettled([...this.pendingNotifies]);
  }

  readonly transport: GatewayTransport = async (req) => {
    const path = req.url.startsWith(this.baseUrl) ? req.url.slice(this.baseUrl.length) : req.url;
    if (req.method === 'GET' && path.startsWith('/bills/')) return { status: 200, body: await this.bill(path.slice('/bills/'.length).replace(/\.csv$/, '')) };
    if (req.method === 'POST' && path === '/gateway.do' && req.form) return this.handle(req.form);
    return { status: 404, body: 'not found' };
  };

  async handle(form: AlipayParams): Promise<{ status: number; body: string }> {
    const method = form.method ?? '';
    const key = `${method.replaceAll('.', '_')}_response`;
    const answer = async (payload: Record<string, unknown>) => ({ status: 200, body: await signedResponseBodyAsync(key, payload, this.keys.privateKeyPem) });
    if (form.app_id !== this.o.appId) return answer({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-app-id', sub_msg: 'unknown app_id' });
    if (form.sign_type !== 'RSA2' || !verifyRequest(form, this.o.appPublicKeyPem)) {
      return answer({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature', sub_msg: 'signature check failed' });
    }
    let biz: Record<string, unknown>;
    try {
      biz = JSON.parse(form.biz_content ?? '{}') as Record<string, unknown>;
    } catch {
      return answer({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-biz-content' });
    }
    if (method === 'alipay.fund.trans.uni.transfer') return this.transfer(biz, form.notify_url, answer);
    if (method === 'alipay.fund.trans.common.query') {
      const t = await this.store.find(String(biz.out_biz_no));
      if (!t) return answer({ code: '40004', msg: 'Business Failed', sub_code: 'ORDER_NOT_EXIST', sub_msg: 'no such transfer' });
      return answer({ code: '10000', msg: 'Success', out_biz_no: t.outBizNo, order_id: t.gatewayOrderId, status: t.status, trans_amount: fenToYuanString(t.amountFen), pay_date: t.transDate });
    }
    if (method === 'alipay.data.dataservice.bill.downloadurl.query') {
      return answer({ code: '10000', msg: 'Success', bill_download_url: `${this.baseUrl}/bills/${String(biz.bill_date)}.csv` });
    }
    return answer({ code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-method' });
  }

  private async transfer(
    biz: Record<string, unknown>,
    notifyUrl: string | undefined,
    answer: (p: Record<string, unknown>) => Promise<{ status: number; body: string }>,
  ): Promise<{ status: number; body: string }> {
    let fault = this.faults.shift();
    if (!fault && this.randomFaultRate > 0 && Math.random() < this.randomFaultRate) fault = Math.random() < 0.5 ? 'lost_response' : 'system_error';
    if (fault === 'system_error') return answer({ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'aop.SYSTEM_ERROR' });
    const outBizNo = String(biz.out_biz_no ?? '');
    let amountFen: number;
    try {
      amountFen = yuanStringToFen(String(biz.trans_amount));
    } catch {
      return answer({ code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER', sub_msg: 'trans_amount' });
    }
    const payeeInfo = (biz.payee_info ?? {}) as Record<string, unknown>;
    const payee = String(payeeInfo.identity ?? '');
    // Payee refused only for a new transfer (a retry of an executed one answers as before).
    if (payee.includes('nonexist') && !(await this.store.find(outBizNo))) {
      return answer({ code: '40004', msg: 'Business Failed', sub_code: 'PAYEE_NOT_EXIST', sub_msg: 'payee does not exist' });
    }
    // Insert-or-get in one step: out_biz_no is the key, so racing retries (from any process) make one transfer.
    this.seq += 1;
    const made = await this.store.create({
      outBizNo,
      // Unique across processes sharing a store: time, this instance's sequence, randomness.
      gatewayOrderId: `2026${String(this.o.clock.now().getTime() % 1e8).padStart(8, '0')}${String(this.seq % 1e4).padStart(4, '0')}${randomBytes(3).toString('hex')}`,
      amountFen,
      payee,
      status: payee.includes('dealing') ? 'DEALING' : 'SUCCESS',
      transDate: alipayTimestamp(this.o.clock.now()),
      notifyUrl,
    });
    const t = made.transfer;
    this.transfers.set(outBizNo, t);
    if (made.created && t.status === 'SUCCESS') {
      this.executed.push(t);
      this.notify(t);
    }
    if (t.amountFen !== amountFen) return answer({ code: '40004', msg: 'Business Failed', sub_code: 'ORDER_DATA_CONFLICT', sub_msg: 'out_biz_no reused with other data' });
    // The transfer happened; the answer is lost on the way back.
    if (fault === 'lost_response') return { status: 502, body: 'Bad Gateway' };
    return answer({ code: '10000', msg: 'Success', out_biz_no: t.outBizNo, order_id: t.gatewayOrderId, pay_fund_order_id: t.gatewayOrderId, status: t.status, trans_date: t.transDate });
  }

  private notify(t: SimTransfer): void {
    if (!t.notifyUrl) return;
    const url = t.notifyUrl;
    const signing = signNotifyAsync(
      {
        notify_id: randomBytes(16).toString('hex'),
        utc_timestamp: String(this.o.clock.now().getTime()),
        msg_method: 'alipay.fund.trans.order.changed',
        app_id: this.o.appId,
        version: '1.1',
        charset: 'utf-8',
        sign_type: 'RSA2',
        biz_content: JSON.stringify({
          action_type: 'FINISH', biz_scene: 'DIRECT_TRANSFER', product_code: 'TRANS_ACCOUNT_NO_PWD', origin_interface: 'alipay.fund.trans.uni.transfer',
          out_biz_no: t.outBizNo, order_id: t.gatewayOrderId, pay_fund_order_id: t.gatewayOrderId, status: t.status,
          trans_amount: fenToYuanString(t.amountFen), pay_date: t.transDate,
        }),
      },
      this.keys.privateKeyPem,
    );
    const notifier = this.o.notifier ?? httpNotifier;
    const p = Promise.all([signing, new Promise<void>((resolve) => setTimeout(resolve, this.o.notifyDelayMs ?? 0))])
      .then(async ([params]) => {
        try {
          await notifier(url, params);
          this.notifyLog.push({ url, params, ok: true });
        } catch {
          this.notifyLog.push({ url, params, ok: false });
        }
      })
      .catch(() => undefined)
      .finally(() => this.pendingNotifies.delete(p));
    this.pendingNotifies.add(p);
  }

  /**
   * Successful transfers of a day (CST): from a shared store (across processes), else this
   * instance's `executed` list (which tests may edit to fake a gateway's mistakes).
   */
  async statement(date: string): Promise<SimTransfer[]> {
    if (this.o.store) return this.store.executedOn(date);
    return this.executed.filter((t) => t.transDate.startsWith(date));
  }

  /** The day's bill (CST date of the transfer), CSV in yuan, successful transfers only, plus extras. */
  async bill(date: string): Promise<string> {
    const rows = [...(await this.statement(date)), ...this.statementExtras.filter((t) => t.transDate.startsWith(date))];
    const lines = rows.map((t) => `${t.outBizNo},${t.gatewayOrderId},${fenToYuanString(t.amountFen)},SUCCESS,${t.transDate}`);
    return ['out_biz_no,order_id,amount,status,pay_date', ...lines].join('\n') + '\n';
  }

  router(): Router {
    const r = express.Router();
    r.post('/gateway.do', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
      const out = await this.handle(req.body as AlipayParams);
      res.status(out.status).type(out.status === 200 ? 'application/json' : 'text/plain').send(out.body);
    });
    r.get('/bills/:file', async (req, res) => {
      res.type('text/csv').send(await this.bill(String(req.params.file).replace(/\.csv$/, '')));
    });
    return r;
  }
}
