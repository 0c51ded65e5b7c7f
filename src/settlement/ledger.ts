/**
 * Double-entry, append-only ledger in integer fen. Every movement is one balanced journal entry
 * created idempotently by its key (unique constraint); corrections are reversal entries.
 * Balances are cached per account and updated with a conditional UPDATE in the same transaction,
 * so a forbidden negative balance can never be committed, even under concurrency.
 */
import { sql, type Kysely } from 'kysely';
import { AppError } from '../core/errors.js';
import { assertFen } from '../core/money.js';
import { newId } from '../core/ids.js';
import type { Clock } from '../core/clock.js';
import { accountSpec, normalDelta } from './accounts.js';
import { sdb, type SDb } from './tables.js';
import type { Db } from '../store/database.js';
import { numeric, sharedPrecompile, type SharedPrecompiled } from '../store/precompiled.js';

export interface PostingLine {
  account: string;
  /** Debit > 0, credit < 0, integer fen. */
  amountFen: number;
}

export type EntryKind = 'accrual' | 'payout' | 'payout_confirm' | 'reversal' | 'annual_fee';

export interface EntryInput {
  idemKey: string;
  kind: EntryKind;
  orderId?: string | null;
  memo: string;
  lines: PostingLine[];
  /** Set only by reverseEntry. */
  reversesId?: string;
}

export interface PostedEntry {
  entryId: string;
  /** False when an entry with this key existed already (the retry of a movement is a no-op). */
  created: boolean;
}

/** Thrown inside a transaction so it rolls back; services turn it into a returned outcome. */
export class NegativeBalanceError extends AppError {
  constructor(readonly account: string) {
    super('negative_balance', 409, 'Conflict', { detail: `posting would make ${account} negative`, extra: { account } });
  }
}

export function assertBalanced(lines: PostingLine[]): void {
  if (lines.length < 2) throw new RangeError('a journal entry needs at least two postings');
  let sum = 0;
  for (const l of lines) {
    assertFen(l.amountFen, `posting to ${l.account}`);
    if (l.amountFen === 0) throw new RangeError(`zero posting to ${l.account}`);
    accountSpec(l.account);
    sum += l.amountFen;
  }
  if (sum !== 0) throw new RangeError(`journal entry does not balance: sum ${sum}`);
}

function sameLines(a: PostingLine[], b: PostingLine[]): boolean {
  const key = (ls: PostingLine[]) => ls.map((l) => `${l.account}=${l.amountFen}`).sort().join('|');
  return key(a) === key(b);
}

/** Posts one entry inside the caller's transaction. Idempotent on `idemKey`. */
export async function postEntry(trx: Kysely<unknown> | Db, input: EntryInput, clock: Clock): Promise<PostedEntry> {
  assertBalanced(input.lines);
  const db = sdb(trx);
  const now = clock.now().toISOString();
  const entryId = newId('jrnl', clock.now().getTime());
  const inserted = await insertEntry.run(db, entryId, input.idemKey, input.kind, input.orderId ?? null, input.reversesId ?? null, input.memo, now);
  if (Number(inserted.numAffectedRows ?? 0) === 0) {
    const existing = await db.selectFrom('ledger_entries').select('id').where('idem_key', '=', input.idemKey).executeTakeFirstOrThrow();
    const lines = await entryLines(db, existing.id);
    // Same key, different movement: a bug upstream, never silently accepted.
    if (!sameLines(lines, input.lines)) {
      throw new AppError('ledger_key_reused', 409, 'Conflict', { detail: `entry ${input.idemKey} exists with other postings` });
    }
    return { entryId: existing.id, created: false };
  }
  await writePostings(db, entryId, input.lines, now);
  return { entryId, created: true };
}

async function writePostings(db: SDb, entryId: string, lines: PostingLine[], now: string): Promise<void> {
  // Lock accounts in one global order so concurrent entries cannot deadlock on PostgreSQL.
  const sorted = [...lines].map((l, seq) => ({ ...l, seq })).sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  for (const line of sorted) {
    const spec = accountSpec(line.account);
    const delta = normalDelta(spec, line.amountFen);
    const apply = () => applyDelta.run(db, delta, spec.code);
    let updated = await apply();
    // Accounts are created on first use; the common case (it exists) costs one statement.
    if (Number(updated.numAffectedRows) !== 1) {
      await db
        .insertInto('ledger_accounts')
        .values({ code: spec.code, kind: spec.kind, normal_side: spec.normalSide, allow_negative: spec.allowNegative ? 1 : 0, balance_fen: 0, created_at: now })
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
      // Again in any case: a concurrent creator may have committed the row while we waited on it.
      updated = await apply();
    }
    if (Number(updated.numAffectedRows) !== 1) throw new NegativeBalanceError(spec.code);
  }
  // One round trip for all postings: on PostgreSQL the account rows above stay locked until commit.
  await insertPostings(sorted.length).run(db, ...sorted.flatMap((line) => [`${entryId}_${line.seq}`, entryId, line.seq, line.account, line.amountFen]));
}

// The statements every order's entries run, compiled once (see sharedPrecompile).
const insertEntry = sharedPrecompile<never, SDb>(7, (db, [id, idemKey, kind, orderId, reversesId, memo, createdAt]) =>
  db.insertInto('ledger_entries')
    .values({ id: id!, idem_key: idemKey!, kind: kind!, order_id: orderId!, reverses_id: reversesId!, memo: memo!, created_at: createdAt! })
    .onConflict((oc) => oc.column('idem_key').doNothing()));

/** Adds `delta` to the account's balance unless that takes a non-negative account below zero. */
const applyDelta = sharedPrecompile<never, SDb>(2, (db, [delta, code]) =>
  db.updateTable('ledger_accounts')
    .set({ balance_fen: sql<number>`balance_fen + ${delta}` })
    .where('code', '=', code!)
    .where((eb) => eb.or([eb('allow_negative', '=', 1), eb(sql<number>`balance_fen + ${delta}`, '>=', 0)])));

/** One INSERT of `n` postings (entries have 2 or 3 lines: a handful of statement shapes). */
const postingInserts = new Map<number, SharedPrecompiled<never>>();
function insertPostings(n: number): SharedPrecompiled<never> {
  let p = postingInserts.get(n);
  if (!p) {
    p = sharedPrecompile<never, SDb>(n * 5, (db, params) =>
      db.insertInto('ledger_postings').values(Array.from({ length: n }, (_, i) => {
        const [id, entryId, seq, account, amount] = params.slice(i * 5, i * 5 + 5);
        return { id: id!, entry_id: entryId!, seq: numeric(seq), account_code: account!, amount_fen: numeric(amount) };
      })));
    postingInserts.set(n, p);
  }
  return p;
}

export async function entryLines(trx: Kysely<unknown> | Db | SDb, entryId: string): Promise<PostingLine[]> {
  const rows = await sdb(trx as Db)
    .selectFrom('ledger_postings')
    .select(['account_code', 'amount_fen'])
    .where('entry_id', '=', entryId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ account: r.account_code, amountFen: Number(r.amount_fen) }));
}

/**
 * Reverses an entry with its mirror image. At most once per entry (unique `reverses_id`); calling
 * it again returns the existing reversal.
 */
export async function reverseEntry(trx: Kysely<unknown> | Db, entryId: string, memo: string, clock: Clock): Promise<PostedEntry> {
  const db = sdb(trx);
  const original = await db.selectFrom('ledger_entries').selectAll().where('id', '=', entryId).executeTakeFirst();
  if (!original) throw new AppError('entry_not_found', 404, 'Not found', { detail: `journal entry ${entryId}` });
  if (original.kind === 'reversal') throw new AppError('cannot_reverse_reversal', 409, 'Conflict', { detail: entryId });
  const lines = (await entryLines(db, entryId)).map((l) => ({ account: l.account, amountFen: -l.amountFen }));
  return postEntry(trx, { idemKey: `reversal:${entryId}`, kind: 'reversal', orderId: original.order_id, memo, lines, reversesId: entryId }, clock);
}

export async function findEntry(trx: Kysely<unknown> | Db, idemKey: string): Promise<{ id: string; reversed: boolean } | undefined> {
  const db = sdb(trx);
  const e = await db.selectFrom('ledger_entries').select('id').where('idem_key', '=', idemKey).executeTakeFirst();
  if (!e) return undefined;
  const r = await db.selectFrom('ledger_entries').select('id').where('reverses_id', '=', e.id).executeTakeFirst();
  return { id: e.id, reversed: r !== undefined };
}

/** Balance on the account's normal side (0 for an account never used). */
export async function accountBalance(db: Db | Kysely<unknown>, code: string): Promise<number> {
  const row = await sdb(db).selectFrom('ledger_accounts').select('balance_fen').where('code', '=', code).executeTakeFirst();
  return row ? Number(row.balance_fen) : 0;
}
