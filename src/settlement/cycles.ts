/**
 * Settlement cycles: T+0 pays at once; T+1 pays in the next business day's batch; weekly pays in
 * Monday's batch. Batches run at 10:00 China Standard Time as delayed jobs with deterministic ids,
 * so scheduling the same batch twice is a no-op.
 */
import type { SettlementCycle } from './settings.js';

const CST_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;
const BATCH_HOUR_CST = 10;

/** When a payout accrued at `now` under `cycle` becomes due. */
export function cycleDueAt(cycle: SettlementCycle, now: Date): Date {
  if (cycle === 'T0') return now;
  const cst = now.getTime() + CST_MS;
  const cstMidnight = cst - (cst % DAY_MS);
  let days = 1;
  if (cycle === 'weekly') {
    const weekday = new Date(cstMidnight).getUTCDay(); // 0 Sunday … 6 Saturday, of the CST date
    days = ((8 - weekday) % 7) || 7; // the next Monday, a week ahead when today is Monday
  }
  return new Date(cstMidnight + days * DAY_MS + BATCH_HOUR_CST * 3600_000 - CST_MS);
}

/** BullMQ forbids ':' in custom job ids, hence dashes. */
export const cycleJobId = (merchantId: string, dueAt: Date) => `settlement.cycle-${merchantId}-${dueAt.getTime()}`;
export const settleJobId = (orderId: string) => `order.settle-${orderId}`;
export const payoutJobId = (orderId: string) => `settlement.payout-${orderId}`;

/** Gateway idempotency key derived from the order: a retry can never create a second transfer. */
export function outBizNoFor(orderId: string): string {
  const no = `cr_${orderId}`;
  if (!/^[A-Za-z0-9_]{1,64}$/.test(no)) throw new RangeError(`order id ${orderId} cannot form an out_biz_no`);
  return no;
}
