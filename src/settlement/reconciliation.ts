/**
 * Daily reconciliation of our payouts against the gateway's bill. Reports missing, duplicate and
 * mismatched payouts; resolves automatically only what cannot move money twice:
 * - the gateway paid, we still show `submitting`, amounts agree → confirm (books catch up);
 * - we show `submitting`, the gateway has no such transfer → resubmit with the same out_biz_no;
 * - the gateway refused it → book the failure.
 * Everything else (duplicates, amount or status conflicts, transfers we never issued) stays open.
 */
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import type { Db } from '../store/database.js';
import type { PayoutGateway, StatementRow } from './alipay-gateway.js';
import { businessDay } from './daily-limit.js';
import type { SettlementService } from './settlement-service.js';
import { sdb } from './tables.js';

export type ReconKind = 'missing_in_ledger' | 'missing_in_gateway' | 'duplicate' | 'mismatch' | 'unknown_payout' | 'unconfirmed';
export type ReconResolution = 'auto_confirmed' | 'auto_resubmitted' | 'auto_failed' | 'open';

export interface ReconItem {
  kind: ReconKind;
  outBizNo: string;
  resolution: ReconResolution;
  details: Record<string, unknown>;
}

export interface ReconReport {
  runId: string;
  billDate: string;
  statementRows: number;
  matched: number;
  items: ReconItem[];
  open: number;
}

export interface ReconDeps {
  db: Db;
  gateway: PayoutGateway;
  service: SettlementService;
  clock: Clock;
}

export async function reconcile(d: ReconDeps, billDate: string): Promise<ReconReport> {
  const db = sdb(d.db);
  const rows = await d.gateway.statement(billDate);
  const byNo = new Map<string, StatementRow[]>();
  for (const r of rows) byNo.set(r.outBizNo, [...(byNo.get(r.outBizNo) ?? []), r]);
  const items: ReconItem[] = [];
  let matched = 0;

  for (const [outBizNo, group] of byNo) {
    const row = group[0]!;
    if (group.length > 1) items.push({ kind: 'duplicate', outBizNo, resolution: 'open', details: { rows: group.length, gatewayOrderIds: group.map((g) => g.gatewayOrderId) } });
    const payout = await db.selectFrom('payouts').selectAll().where('out_biz_no', '=', outBizNo).executeTakeFirst();
    if (!payout) {
      items.push({ kind: 'unknown_payout', outBizNo, resolution: 'open', details: { amountFen: row.amountFen, gatewayOrderId: row.gatewayOrderId } });
      continue;
    }
    const amountsAgree = group.length === 1 && row.amountFen === payout.amount_fen;
    if (payout.status === 'succeeded') {
      if (row.amountFen !== payout.amount_fen) items.push({ kind: 'mismatch', outBizNo, resolution: 'open', details: { ledgerFen: payout.amount_fen, gatewayFen: row.amountFen } });
      else if (group.length === 1) matched += 1;
      continue;
    }
    if ((payout.status === 'submitting' || payout.status === 'scheduled') && amountsAgree) {
      const out = await d.service.confirm(outBizNo, { gatewayOrderId: row.gatewayOrderId, amountFen: row.amountFen, paidAt: row.paidAt });
      items.push({ kind: 'missing_in_ledger', outBizNo, resolution: out.kind === 'settled' ? 'auto_confirmed' : 'open', details: { outcome: out.kind } });
      continue;
    }
    // Paid at the gateway while we booked a failure, or a different amount: flag the payout for a person.
    if (payout.status !== 'review') await d.service.confirm(outBizNo, { gatewayOrderId: row.gatewayOrderId, amountFen: row.amountFen, paidAt: row.paidAt });
    items.push({ kind: 'mismatch', outBizNo, resolution: 'open', details: { ledgerStatus: payout.status, ledgerFen: payout.amount_fen, gatewayFen: row.amountFen } });
  }

  // Our confirmed payouts of that day that the gateway does not list.
  const ours = await db.selectFrom('payouts').select(['out_biz_no', 'amount_fen', 'paid_at', 'status']).where('status', '=', 'succeeded').execute();
  for (const p of ours) {
    if (p.paid_at && businessDay(new Date(p.paid_at)) === billDate && !byNo.has(p.out_biz_no)) {
      items.push({ kind: 'missing_in_gateway', outBizNo: p.out_biz_no, resolution: 'open', details: { ledgerFen: p.amount_fen, paidAt: p.paid_at } });
    }
  }

  // Payouts left in `submitting` up to the end of that day and absent from the bill: ask the gateway.
  const dayEnd = new Date(`${billDate}T23:59:59.999+08:00`).toISOString();
  const stuck = await db.selectFrom('payouts').select(['out_biz_no', 'order_id']).where('status', '=', 'submitting').where('updated_at', '<=', dayEnd).execute();
  for (const p of stuck) {
    if (byNo.has(p.out_biz_no)) continue;
    const q = await d.gateway.query(p.out_biz_no);
    if (q.kind === 'succeeded') {
      const payout = await d.service.payoutForOrder(p.order_id);
      const out = await d.service.confirm(p.out_biz_no, { gatewayOrderId: q.gatewayOrderId, amountFen: payout?.amount_fen ?? -1, paidAt: q.paidAt });
      items.push({ kind: 'missing_in_ledger', outBizNo: p.out_biz_no, resolution: out.kind === 'settled' ? 'auto_confirmed' : 'open', details: { via: 'query' } });
    } else if (q.kind === 'not_found') {
      const out = await d.service.submitPayout(p.order_id);
      items.push({ kind: 'unconfirmed', outBizNo: p.out_biz_no, resolution: 'auto_resubmitted', details: { outcome: out.kind } });
    } else if (q.kind === 'failed') {
      await d.service.fail(p.out_biz_no, q.code);
      items.push({ kind: 'unconfirmed', outBizNo: p.out_biz_no, resolution: 'auto_failed', details: { code: q.code } });
    } else {
      items.push({ kind: 'unconfirmed', outBizNo: p.out_biz_no, resolution: 'open', details: { gateway: q.code ?? 'pending' } });
    }
  }

  const runId = newId('rcn', d.clock.now().getTime());
  const now = d.clock.now().toISOString();
  if (items.length > 0) {
    await db.insertInto('recon_items').values(items.map((i) => ({
      id: newId('rcn', d.clock.now().getTime()), run_id: runId, kind: i.kind, out_biz_no: i.outBizNo, details: JSON.stringify(i.details), resolution: i.resolution, created_at: now,
    }))).execute();
  }
  return { runId, billDate, statementRows: rows.length, matched, items, open: items.filter((i) => i.resolution === 'open').length };
}
