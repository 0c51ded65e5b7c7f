/**
 * Recomputes the ledger's invariants from the postings themselves (not from cached balances), so it
 * catches a bug in the writer as well as tampering. Used by `cardrecycle ledger check` and the tests.
 */
import { sql } from 'kysely';
import type { Db } from '../store/database.js';
import { accountSpec, normalDelta } from './accounts.js';
import { sdb } from './tables.js';

export type LedgerInvariant =
  | 'entry_balances'
  | 'entry_has_postings'
  | 'cached_balance_matches'
  | 'no_forbidden_negative_balance'
  | 'one_payout_per_order'
  | 'payout_matches_ledger';

export interface LedgerViolation {
  invariant: LedgerInvariant;
  subject: string;
  detail: string;
}

export interface LedgerReport {
  ok: boolean;
  entries: number;
  postings: number;
  accounts: number;
  /** Sum of every posting; zero when the books balance. */
  totalFen: number;
  violations: LedgerViolation[];
}

const num = (v: unknown) => Number(v ?? 0);

export async function checkLedger(database: Db): Promise<LedgerReport> {
  const db = sdb(database);
  const violations: LedgerViolation[] = [];

  const perEntry = await db
    .selectFrom('ledger_entries as e')
    .leftJoin('ledger_postings as p', 'p.entry_id', 'e.id')
    .select(['e.id', 'e.idem_key', sql<string>`coalesce(sum(p.amount_fen), 0)`.as('total'), sql<string>`count(p.id)`.as('n')])
    .groupBy(['e.id', 'e.idem_key'])
    .execute();
  let totalFen = 0;
  let postings = 0;
  for (const e of perEntry) {
    totalFen += num(e.total);
    postings += num(e.n);
    if (num(e.n) < 2) violations.push({ invariant: 'entry_has_postings', subject: e.idem_key, detail: `${num(e.n)} postings` });
    if (num(e.total) !== 0) violations.push({ invariant: 'entry_balances', subject: e.idem_key, detail: `postings sum to ${num(e.total)} fen` });
  }

  const accounts = await db
    .selectFrom('ledger_accounts as a')
    .leftJoin('ledger_postings as p', 'p.account_code', 'a.code')
    .select(['a.code', 'a.balance_fen', sql<string>`coalesce(sum(p.amount_fen), 0)`.as('signed')])
    .groupBy(['a.code', 'a.balance_fen'])
    .execute();
  for (const a of accounts) {
    const spec = accountSpec(a.code);
    const computed = normalDelta(spec, num(a.signed));
    if (computed !== num(a.balance_fen)) {
      violations.push({ invariant: 'cached_balance_matches', subject: a.code, detail: `cached ${num(a.balance_fen)} ≠ postings ${computed}` });
    }
    if (!spec.allowNegative && computed < 0) {
      violations.push({ invariant: 'no_forbidden_negative_balance', subject: a.code, detail: `balance ${computed} fen` });
    }
  }

  // Effective (not reversed) payout and confirmation entries per order: at most one each.
  const effective = await db
    .selectFrom('ledger_entries as e')
    .leftJoin('ledger_entries as r', 'r.reverses_id', 'e.id')
    .where('e.kind', 'in', ['payout', 'payout_confirm'])
    .where('e.order_id', 'is not', null)
    .where('r.id', 'is', null)
    .select(['e.order_id', 'e.kind', sql<string>`count(e.id)`.as('n')])
    .groupBy(['e.order_id', 'e.kind'])
    .execute();
  const confirmed = new Set<string>();
  for (const row of effective) {
    if (num(row.n) > 1) violations.push({ invariant: 'one_payout_per_order', subject: row.order_id ?? '?', detail: `${num(row.n)} ${row.kind} entries` });
    if (row.kind === 'payout_confirm' && row.order_id) confirmed.add(row.order_id);
  }

  // A payout the gateway confirmed is in the ledger as confirmed, and vice versa, for the same amount.
  const payouts = await db.selectFrom('payouts').select(['order_id', 'status', 'amount_fen']).execute();
  const confirmAmounts = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_postings as p', 'p.entry_id', 'e.id')
    .where('e.kind', '=', 'payout_confirm')
    .where('p.amount_fen', '>', 0)
    .select(['e.order_id', sql<string>`sum(p.amount_fen)`.as('amount')])
    .groupBy('e.order_id')
    .execute();
  const confirmedAmount = new Map(confirmAmounts.map((r) => [r.order_id ?? '', num(r.amount)]));
  for (const p of payouts) {
    const isConfirmed = confirmed.has(p.order_id);
    if ((p.status === 'succeeded') !== isConfirmed) {
      violations.push({ invariant: 'payout_matches_ledger', subject: p.order_id, detail: `payout ${p.status}, ledger ${isConfirmed ? 'confirmed' : 'unconfirmed'}` });
    } else if (isConfirmed && confirmedAmount.get(p.order_id) !== num(p.amount_fen)) {
      violations.push({ invariant: 'payout_matches_ledger', subject: p.order_id, detail: `payout ${num(p.amount_fen)} ≠ ledger ${confirmedAmount.get(p.order_id)}` });
    }
  }

  if (totalFen !== 0) violations.push({ invariant: 'entry_balances', subject: 'ledger', detail: `all postings sum to ${totalFen}` });
  return { ok: violations.length === 0, entries: perEntry.length, postings, accounts: accounts.length, totalFen, violations };
}
