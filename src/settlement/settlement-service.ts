/**
 * Turns a priced order into money on the seller's account, exactly once:
 * accrue (ledger + payout row + daily limit, one transaction) → submit (ledger entry, then the
 * gateway call, idempotent on out_biz_no) → confirm (sync answer, notify or reconciliation,
 * whichever comes first; keyed ledger entry) → order `settled`.
 * A payout due at once (T+0) is accrued and booked for submission in one transaction.
 * Every step is keyed, so a crash or a duplicate job at any point re-runs safely.
 */
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { isAppError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Db } from '../store/database.js';
import type { OrderPipelinePort, PipelineOrder } from '../orders/port.js';
import { FEE_REVENUE, GATEWAY_FUNDS, PAYOUT_CLEARING, carrierReceivable, merchantAccount, sellerAccount } from './accounts.js';
import { alipayTimeToIso } from './alipay-sign.js';
import type { GatewayNotice, PayoutGateway, TransferResult } from './alipay-gateway.js';
import { cycleDueAt, outBizNoFor } from './cycles.js';
import { businessDay, dbDailyLimiter, type DailyLimiter } from './daily-limit.js';
import { feeIncludedIn } from './fees.js';
import { findEntry, postEntry, reverseEntry } from './ledger.js';
import { PayoutAccountSchema, type SettlementSettings } from './settings.js';
import { sdb, type PayoutsTable, type SDb } from './tables.js';
import { numeric, sharedPrecompile } from '../store/precompiled.js';

export interface SettlementDeps {
  db: Db;
  clock: Clock;
  orders: OrderPipelinePort;
  gateway: PayoutGateway;
  merchantSettings(merchantId: string): Promise<SettlementSettings>;
  limiter?: DailyLimiter;
  /** Called when a non-T+0 payout is accrued: schedule the merchant's batch (see registerSettlementJobs). */
  scheduleCycle?(merchantId: string, dueAt: Date): Promise<void>;
  logger?: Logger;
}

export type SettleOutcome =
  | { kind: 'settled'; orderId: string; settledFen: number }
  | { kind: 'scheduled'; orderId: string; dueAt: string }
  /** The gateway has not given a final answer: retry later (same out_biz_no). */
  | { kind: 'pending'; orderId: string; reason: string }
  | { kind: 'review'; orderId: string; reason: string }
  | { kind: 'skipped'; orderId: string; reason: string };

export type Payout = PayoutsTable;

/** A transient gateway condition: thrown from jobs so the queue retries with backoff. */
export class PayoutPendingError extends Error {
  override name = 'PayoutPendingError';
}

class LimitExceeded extends Error {}

export class SettlementService {
  private readonly limiter: DailyLimiter;
  constructor(private readonly d: SettlementDeps) {
    this.limiter = d.limiter ?? dbDailyLimiter;
  }

  private get db() {
    return sdb(this.d.db);
  }

  async payoutForOrder(orderId: string): Promise<Payout | undefined> {
    return (await payoutBy.order.rows(this.db, orderId))[0];
  }

  async settleOrder(orderId: string): Promise<SettleOutcome> {
    const order = await this.d.orders.get(orderId);
    if (!order) return { kind: 'skipped', orderId, reason: 'order_not_found' };
    if (order.status === 'settled') return { kind: 'settled', orderId, settledFen: order.settledFen ?? 0 };
    let payout = await this.payoutForOrder(orderId);
    let booked = false;
    if (!payout) {
      if (order.status !== 'priced' && order.status !== 'settling') return { kind: 'skipped', orderId, reason: `status_${order.status}` };
      if (order.status === 'priced') await this.moveOrder(order.id, 'settling');
      const accrued = await this.accrue(order);
      if (accrued.kind !== 'ok') {
        await this.moveOrder(order.id, 'review', accrued.reason);
        return { kind: 'review', orderId, reason: accrued.reason };
      }
      payout = accrued.payout;
      booked = accrued.booked;
    }
    if (payout.status === 'scheduled' && payout.due_at > this.d.clock.now().toISOString()) {
      return { kind: 'scheduled', orderId, dueAt: payout.due_at };
    }
    return this.submitPayout(orderId, booked ? payout : undefined);
  }

  /** Books the order (gross to carrier receivable, the quote to the seller, the fee in it to revenue) and creates its payout. */
  private async accrue(order: PipelineOrder): Promise<{ kind: 'ok'; payout: Payout; booked: boolean } | { kind: 'refused'; reason: string }> {
    const quote = order.quoteFen;
    if (quote === null || !Number.isSafeInteger(quote) || quote <= 0) return { kind: 'refused', reason: 'missing_quote' };
    const settings = await this.d.merchantSettings(order.merchantId);
    const payee = PayoutAccountSchema.safeParse(order.payout ?? settings.payoutAccount);
    if (!payee.success) return { kind: 'refused', reason: 'no_payout_account' };
    const now = this.d.clock.now();
    // The quote is what the seller was promised (pricing already deducted the fee lines): pay it exactly.
    const net = quote;
    const fee = feeIncludedIn(settings.feeSchedule, net, await this.monthlyVolume(order.merchantId, now));
    const gross = net + fee;
    const sellerId = typeof order.context.sellerId === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(order.context.sellerId) ? order.context.sellerId : 'default';
    const seller = sellerAccount(order.merchantId, sellerId);
    const day = businessDay(now);
    const dueAt = cycleDueAt(settings.cycle, now);
    // Due now (T+0): the payout entry is booked and the payout marked `submitting` in this same
    // transaction, as submitPayout would do before calling the gateway (one transaction less).
    const dueNow = dueAt.getTime() <= now.getTime();
    const row: Payout = {
      id: newId('pay', now.getTime()), order_id: order.id, out_biz_no: outBizNoFor(order.id), merchant_id: order.merchantId,
      seller_account: seller, payee: JSON.stringify(payee.data), gross_fen: gross, fee_fen: fee, amount_fen: net,
      cycle: settings.cycle, status: dueNow ? 'submitting' : 'scheduled', due_at: dueAt.toISOString(), gateway_order_id: null,
      attempts: dueNow ? 1 : 0, last_error: null, created_at: now.toISOString(), updated_at: now.toISOString(), paid_at: null,
    };
    let reserved = false;
    let created = false;
    try {
      await this.d.db.transaction().execute(async (trx) => {
        const t = sdb(trx);
        const ins = await t.insertInto('payouts').values(row).onConflict((oc) => oc.column('order_id').doNothing()).executeTakeFirst();
        // Another worker accrued this order already: nothing more to book.
        if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) return;
        await addVolume.run(t, order.merchantId, day.slice(0, 7), gross);
        const lines = [
          { account: carrierReceivable(order.carrier), amountFen: gross },
          { account: seller, amountFen: -net },
          ...(fee > 0 ? [{ account: FEE_REVENUE, amountFen: -fee }] : []),
        ];
        await postEntry(trx, { idemKey: `accrual:${order.id}`, kind: 'accrual', orderId: order.id, memo: `order ${order.merchantOrderId}`, lines }, this.d.clock);
        if (dueNow) await postEntry(trx, this.payoutEntry(row), this.d.clock);
        // Last, so the merchant's usage row is locked for as short a time as possible.
        if (!(await this.limiter.reserve(trx, order.merchantId, day, net, settings.dailyLimitFen))) throw new LimitExceeded();
        reserved = true;
        created = true;
      });
    } catch (e) {
      if (reserved && this.limiter.kind === 'redis') await this.limiter.release(this.d.db, order.merchantId, day, net);
      if (e instanceof LimitExceeded) return { kind: 'refused', reason: 'daily_limit_exceeded' };
      throw e;
    }
    await this.chargeAnnualFee(order.merchantId, settings, now);
    const payout = created ? row : await this.payoutForOrder(order.id);
    if (!payout) throw new Error(`payout for ${order.id} vanished`);
    if (payout.status === 'scheduled' && settings.cycle !== 'T0') await this.d.scheduleCycle?.(order.merchantId, new Date(payout.due_at));
    return { kind: 'ok', payout, booked: created && dueNow };
  }

  /** The liability moves to clearing before any money can leave, so the books never lag the gateway. */
  private payoutEntry(payout: Payout) {
    return {
      idemKey: `payout:${payout.order_id}`, kind: 'payout' as const, orderId: payout.order_id, memo: `payout ${payout.out_biz_no}`,
      lines: [{ account: payout.seller_account, amountFen: payout.amount_fen }, { account: PAYOUT_CLEARING, amountFen: -payout.amount_fen }],
    };
  }

  /**
   * Sends the payout to the gateway (again, if need be: out_biz_no makes that safe). `booked` is a
   * payout accrue() has just booked for submission, in its own transaction; anything else is read.
   */
  async submitPayout(orderId: string, booked?: Payout): Promise<SettleOutcome> {
    const payout = booked ?? (await this.payoutForOrder(orderId));
    if (!payout) return { kind: 'skipped', orderId, reason: 'no_payout' };
    if (payout.status === 'succeeded') return this.finishOrder(payout);
    if (payout.status !== 'scheduled' && payout.status !== 'submitting') return { kind: 'review', orderId, reason: `payout_${payout.status}` };
    const now = this.d.clock.now().toISOString();
    if (!booked) {
      await this.d.db.transaction().execute(async (trx) => {
        await postEntry(trx, this.payoutEntry(payout), this.d.clock);
        await sdb(trx).updateTable('payouts').set({ status: 'submitting', attempts: sql<number>`attempts + 1`, updated_at: now })
          .where('id', '=', payout.id).where('status', 'in', ['scheduled', 'submitting']).execute();
      });
    }
    let result: TransferResult;
    try {
      result = await this.d.gateway.transfer({
        outBizNo: payout.out_biz_no, amountFen: payout.amount_fen, payee: PayoutAccountSchema.parse(JSON.parse(payout.payee)), title: 'card buy-back',
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await this.db.updateTable('payouts').set({ last_error: message.slice(0, 500), updated_at: now }).where('id', '=', payout.id).execute();
      return { kind: 'pending', orderId, reason: message };
    }
    if (result.kind === 'succeeded') {
      return this.confirm(payout.out_biz_no, { gatewayOrderId: result.gatewayOrderId, amountFen: payout.amount_fen, paidAt: result.paidAt }, { ...payout, status: 'submitting' });
    }
    if (result.kind === 'failed') {
      // An earlier attempt's outcome is unknown (lost answer): ask before booking a failure.
      if (payout.attempts > (booked ? 1 : 0)) {
        const q = await this.d.gateway.query(payout.out_biz_no).catch(() => undefined);
        if (q?.kind === 'succeeded') return this.confirm(payout.out_biz_no, { gatewayOrderId: q.gatewayOrderId, amountFen: payout.amount_fen, paidAt: q.paidAt }, { ...payout, status: 'submitting' });
        if (q?.kind !== 'not_found' && q?.kind !== 'failed') return { kind: 'pending', orderId, reason: `unverified_failure_${result.code}` };
      }
      return this.fail(payout.out_biz_no, result.code);
    }
    await this.db.updateTable('payouts').set({ last_error: result.code ?? 'pending', gateway_order_id: result.gatewayOrderId ?? null, updated_at: now }).where('id', '=', payout.id).execute();
    return { kind: 'pending', orderId, reason: result.code ?? 'gateway_pending' };
  }

  /** The gateway says the money went out. Idempotent; called from the sync answer, the notify and reconciliation. */
  async confirm(outBizNo: string, proof: { gatewayOrderId: string; amountFen: number; paidAt: string }, known?: Payout): Promise<SettleOutcome> {
    // `known` is the row submitPayout just moved to `submitting`; the guarded UPDATE below re-checks it.
    const payout = known ?? (await payoutBy.outBizNo.rows(this.db, outBizNo))[0];
    if (!payout) return { kind: 'skipped', orderId: '', reason: 'unknown_out_biz_no' };
    const orderId = payout.order_id;
    if (payout.status === 'succeeded') return this.finishOrder(payout);
    if (payout.status === 'failed' || proof.amountFen !== payout.amount_fen) {
      // Money moved although we booked a failure, or a different amount moved: a person decides.
      await this.db.updateTable('payouts').set({ status: 'review', last_error: `gateway paid ${proof.amountFen} (${proof.gatewayOrderId}) while payout ${payout.status}/${payout.amount_fen}`, updated_at: this.d.clock.now().toISOString() }).where('id', '=', payout.id).execute();
      return { kind: 'review', orderId, reason: 'gateway_mismatch' };
    }
    if (payout.status === 'review') return { kind: 'review', orderId, reason: 'payout_review' };
    const now = this.d.clock.now().toISOString();
    const confirmed = await this.d.db.transaction().execute(async (trx) => {
      // A payout still `scheduled` never reached submitPayout's booking (e.g. found by reconciliation).
      if (payout.status === 'scheduled') {
        const lines = [{ account: payout.seller_account, amountFen: payout.amount_fen }, { account: PAYOUT_CLEARING, amountFen: -payout.amount_fen }];
        await postEntry(trx, { idemKey: `payout:${orderId}`, kind: 'payout', orderId, memo: `payout ${outBizNo}`, lines }, this.d.clock);
      }
      await postEntry(trx, {
        idemKey: `payout-confirm:${orderId}`, kind: 'payout_confirm', orderId, memo: `gateway ${proof.gatewayOrderId}`,
        lines: [{ account: PAYOUT_CLEARING, amountFen: payout.amount_fen }, { account: GATEWAY_FUNDS, amountFen: -payout.amount_fen }],
      }, this.d.clock);
      const upd = await markSucceeded.run(sdb(trx), proof.gatewayOrderId, alipayTimeToIso(proof.paidAt) ?? now, now, payout.id);
      return Number(upd.numAffectedRows) === 1;
    });
    if (confirmed) return this.finishOrder(payout, true);
    // Someone else finished it first (notify vs. answer): report what they decided.
    const fresh = await this.payoutForOrder(orderId);
    return fresh?.status === 'succeeded' ? this.finishOrder(fresh) : { kind: 'review', orderId, reason: `payout_${fresh?.status}` };
  }

  /** The gateway refused for good: no money moved, so the payout entry is reversed and the limit released. */
  async fail(outBizNo: string, code: string): Promise<SettleOutcome> {
    const [payout] = await payoutBy.outBizNo.rows(this.db, outBizNo);
    if (!payout) return { kind: 'skipped', orderId: '', reason: 'unknown_out_biz_no' };
    if (payout.status === 'succeeded') return this.finishOrder(payout);
    const now = this.d.clock.now();
    let released = false;
    await this.d.db.transaction().execute(async (trx) => {
      const upd = await sdb(trx).updateTable('payouts').set({ status: 'failed', last_error: code, updated_at: now.toISOString() })
        .where('id', '=', payout.id).where('status', 'in', ['scheduled', 'submitting']).executeTakeFirst();
      if (Number(upd.numUpdatedRows) !== 1) return;
      const entry = await findEntry(trx, `payout:${payout.order_id}`);
      if (entry && !entry.reversed) await reverseEntry(trx, entry.id, `payout refused: ${code}`, this.d.clock);
      if (this.limiter.kind === 'db') await this.limiter.release(trx, payout.merchant_id, businessDay(new Date(payout.created_at)), payout.amount_fen);
      released = true;
    });
    if (released && this.limiter.kind === 'redis') await this.limiter.release(this.d.db, payout.merchant_id, businessDay(new Date(payout.created_at)), payout.amount_fen);
    await this.moveOrder(payout.order_id, 'review', `payout_failed_${code}`.slice(0, 64));
    return { kind: 'review', orderId: payout.order_id, reason: `payout_failed:${code}` };
  }

  async handleNotice(notice: GatewayNotice): Promise<SettleOutcome> {
    if (notice.status === 'SUCCESS') return this.confirm(notice.outBizNo, { gatewayOrderId: notice.gatewayOrderId, amountFen: notice.amountFen, paidAt: notice.paidAt });
    if (notice.status === 'FAIL' || notice.status === 'CLOSED') return this.fail(notice.outBizNo, `notify_${notice.status}`);
    return { kind: 'pending', orderId: '', reason: notice.status };
  }

  /** Payouts of a merchant due by `dueAt` and not yet final: what a cycle batch pays. */
  async duePayouts(merchantId: string, dueAt: Date): Promise<string[]> {
    const rows = await this.db.selectFrom('payouts').select('order_id').where('merchant_id', '=', merchantId)
      .where('status', 'in', ['scheduled', 'submitting']).where('due_at', '<=', dueAt.toISOString()).orderBy('due_at').execute();
    return rows.map((r) => r.order_id);
  }

  /** Payouts stuck in `submitting` (crash, lost answer, exhausted retries) for longer than `olderThanMs`. */
  async stuckPayouts(olderThanMs: number): Promise<string[]> {
    const before = new Date(this.d.clock.now().getTime() - olderThanMs).toISOString();
    const rows = await this.db.selectFrom('payouts').select('order_id').where('status', '=', 'submitting').where('updated_at', '<', before).execute();
    return rows.map((r) => r.order_id);
  }

  /** `justPaid`: this call confirmed the payout, so the order is almost surely `settling`: move it without reading first. */
  private async finishOrder(payout: Payout, justPaid = false): Promise<SettleOutcome> {
    const orderId = payout.order_id;
    if (justPaid && (await this.moveOrder(orderId, 'settled', undefined, payout.amount_fen))) return { kind: 'settled', orderId, settledFen: payout.amount_fen };
    const order = await this.d.orders.get(orderId);
    if (order?.status === 'settling') {
      const moved = await this.moveOrder(orderId, 'settled', undefined, payout.amount_fen);
      if (!moved) {
        const again = await this.d.orders.get(orderId);
        if (again?.status !== 'settled') return { kind: 'review', orderId, reason: `order_${again?.status}` };
      }
    } else if (order?.status !== 'settled') {
      this.d.logger?.warn({ orderId, status: order?.status }, 'payout succeeded but order is not settling');
      return { kind: 'review', orderId, reason: `order_${order?.status ?? 'missing'}` };
    }
    return { kind: 'settled', orderId, settledFen: payout.amount_fen };
  }

  /** Transition, treating "someone else moved it first" as a returned false (races are expected). */
  private async moveOrder(orderId: string, to: 'settling' | 'settled' | 'review', reason?: string, settledFen?: number): Promise<boolean> {
    try {
      await this.d.orders.transition(orderId, to, { actor: 'settlement', ...(reason ? { reason } : {}), ...(settledFen !== undefined ? { settledFen } : {}) });
      return true;
    } catch (e) {
      if (isAppError(e) && e.code === 'invalid_transition') return false;
      throw e;
    }
  }

  /** Gross volume accrued this calendar month (CST) before now: the fee tier basis. */
  async monthlyVolume(merchantId: string, now: Date): Promise<number> {
    const [row] = await volumeOf.rows(this.db, merchantId, businessDay(now).slice(0, 7));
    return Number(row?.gross_fen ?? 0);
  }

  /** The annual service fee, booked to the merchant's receivable once per calendar year (CST). */
  async chargeAnnualFee(merchantId: string, settings: SettlementSettings, now: Date, trx?: Db): Promise<void> {
    const fee = settings.feeSchedule.annualServiceFeeFen;
    if (fee <= 0) return;
    const key = `annual-fee:${merchantId}:${businessDay(now).slice(0, 4)}`;
    if (await findEntry(trx ?? this.d.db, key)) return;
    const post = (t: Db) => postEntry(t, {
      idemKey: key, kind: 'annual_fee', memo: `annual service fee ${businessDay(now).slice(0, 4)}`,
      lines: [{ account: merchantAccount(merchantId), amountFen: fee }, { account: FEE_REVENUE, amountFen: -fee }],
    }, this.d.clock);
    if (trx) await post(trx);
    else await this.d.db.transaction().execute((t) => post(t));
  }
}

// Read for every order, by the settle job and by the gateway's answer and notify: compiled once.
const payoutBy = {
  order: sharedPrecompile<Payout, SDb>(1, (db, [orderId]) => db.selectFrom('payouts').selectAll().where('order_id', '=', orderId!)),
  outBizNo: sharedPrecompile<Payout, SDb>(1, (db, [outBizNo]) => db.selectFrom('payouts').selectAll().where('out_biz_no', '=', outBizNo!)),
};
const markSucceeded = sharedPrecompile<never, SDb>(4, (db, [gatewayOrderId, paidAt, now, id]) =>
  db.updateTable('payouts').set({ status: 'succeeded', gateway_order_id: gatewayOrderId!, paid_at: paidAt!, last_error: null, updated_at: now! })
    .where('id', '=', id!).where('status', 'in', ['scheduled', 'submitting']));
const volumeOf = sharedPrecompile<{ gross_fen: number }, SDb>(2, (db, [merchantId, month]) =>
  db.selectFrom('settlement_monthly_volume').select('gross_fen').where('merchant_id', '=', merchantId!).where('month', '=', month!));
/** Adds a new payout's gross to its merchant's month, in the transaction that creates the payout. */
const addVolume = sharedPrecompile<never, SDb>(3, (db, [merchantId, month, gross]) =>
  db.insertInto('settlement_monthly_volume')
    .values({ merchant_id: merchantId!, month: month!, gross_fen: numeric(gross) })
    .onConflict((oc) => oc.columns(['merchant_id', 'month']).doUpdateSet({ gross_fen: sql<number>`settlement_monthly_volume.gross_fen + ${gross}` })));
