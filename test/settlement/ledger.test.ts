import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { BACKENDS, type TestDatabase } from '../helpers/db.js';
import { openDb } from './db.js';
import { accountBalance, assertBalanced, postEntry, reverseEntry, NegativeBalanceError, type PostingLine } from '../../src/settlement/ledger.js';
import { checkLedger } from '../../src/settlement/check-ledger.js';
import { FEE_REVENUE, GATEWAY_FUNDS, PAYOUT_CLEARING, carrierReceivable, sellerAccount } from '../../src/settlement/accounts.js';
import { sdb } from '../../src/settlement/tables.js';

const clock = new ManualClock();

describe('assertBalanced', () => {
  it('accepts exactly the integer entries that sum to zero', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }).filter((n) => n !== 0), { minLength: 1, maxLength: 6 }), (amounts) => {
        const lines: PostingLine[] = amounts.map((a, i) => ({ account: sellerAccount('m', `s${i}`), amountFen: a }));
        const sum = amounts.reduce((s, a) => s + a, 0);
        if (sum !== 0) lines.push({ account: GATEWAY_FUNDS, amountFen: -sum });
        expect(() => assertBalanced(lines)).not.toThrow();
        expect(() => assertBalanced([...lines, { account: GATEWAY_FUNDS, amountFen: 1 }])).toThrow(/balance/);
      }),
    );
    expect(() => assertBalanced([{ account: GATEWAY_FUNDS, amountFen: 0.5 }, { account: FEE_REVENUE, amountFen: -0.5 }])).toThrow(/integer/);
  });
});

describe.each(BACKENDS)('ledger on %s', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openDb(backend);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const accounts = [carrierReceivable('cmcc'), sellerAccount('m1', 'a'), sellerAccount('m1', 'b'), FEE_REVENUE, PAYOUT_CLEARING, GATEWAY_FUNDS];
  // A command: post a random two/three-line entry under one of a few keys (so keys repeat), or reverse one.
  const command = fc.oneof(
    fc.record({
      op: fc.constant('post' as const),
      key: fc.integer({ min: 0, max: 15 }),
      from: fc.integer({ min: 0, max: accounts.length - 1 }),
      to: fc.integer({ min: 0, max: accounts.length - 1 }),
      fee: fc.integer({ min: 0, max: 3 }),
      amount: fc.integer({ min: 1, max: 50_000 }),
    }),
    fc.record({ op: fc.constant('reverse' as const), key: fc.integer({ min: 0, max: 15 }) }),
  );

  it('keeps every invariant through random postings, repeats and reversals (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (cmds) => {
        run += 1;
        const prefix = `r${run}-${backend}`;
        const linesByKey = new Map<string, PostingLine[]>();
        const entryByKey = new Map<string, string>();
        for (const c of cmds) {
          const key = `${prefix}-${c.key}`;
          if (c.op === 'reverse') {
            const id = entryByKey.get(key);
            if (!id) continue;
            try {
              await t.db.transaction().execute((trx) => reverseEntry(trx, id, 'test', clock));
            } catch (e) {
              expect(e).toBeInstanceOf(NegativeBalanceError);
            }
            continue;
          }
          if (c.from === c.to) continue;
          // The same key always describes the same movement (a retry), as in the service.
          const lines = linesByKey.get(key) ?? [
            { account: accounts[c.from]!, amountFen: c.amount + c.fee },
            { account: accounts[c.to]!, amountFen: -c.amount },
            ...(c.fee > 0 ? [{ account: FEE_REVENUE === accounts[c.from] ? GATEWAY_FUNDS : FEE_REVENUE, amountFen: -c.fee }] : []),
          ];
          linesByKey.set(key, lines);
          try {
            const r = await t.db.transaction().execute((trx) => postEntry(trx, { idemKey: key, kind: 'accrual', memo: 'p', lines }, clock));
            if (entryByKey.has(key)) expect(r).toEqual({ entryId: entryByKey.get(key), created: false });
            entryByKey.set(key, r.entryId);
          } catch (e) {
            // A refused posting leaves no trace: the transaction rolled back entirely.
            expect(e).toBeInstanceOf(NegativeBalanceError);
            const left = await sdb(t.db).selectFrom('ledger_entries').select('id').where('idem_key', '=', key).execute();
            expect(left).toHaveLength(0);
          }
        }
        const report = await checkLedger(t.db);
        expect(report.violations).toEqual([]);
        expect(report.totalFen).toBe(0);
      }),
      { numRuns: backend === 'sqlite' ? 40 : 20 },
    );
  });

  it('never commits a forbidden negative balance under concurrent spending', async () => {
    const seller = sellerAccount('m2', 'race');
    await t.db.transaction().execute((trx) =>
      postEntry(trx, { idemKey: 'race-fund', kind: 'accrual', memo: '', lines: [{ account: carrierReceivable('ctcc'), amountFen: 1_000 }, { account: seller, amountFen: -1_000 }] }, clock),
    );
    const attempts = await Promise.allSettled(
      [...Array(6).keys()].map((i) =>
        t.db.transaction().execute((trx) =>
          postEntry(trx, { idemKey: `race-spend-${i}`, kind: 'payout', memo: '', lines: [{ account: seller, amountFen: 300 }, { account: PAYOUT_CLEARING, amountFen: -300 }] }, clock),
        ),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(3);
    expect(await accountBalance(t.db, seller)).toBe(100);
    expect((await checkLedger(t.db)).violations).toEqual([]);
  });

  it('refuses a reused key with different postings and reverses at most once', async () => {
    const lines = [{ account: carrierReceivable('cucc'), amountFen: 500 }, { account: sellerAccount('m3', 'x'), amountFen: -500 }];
    const first = await t.db.transaction().execute((trx) => postEntry(trx, { idemKey: 'k-reuse', kind: 'accrual', memo: '', lines }, clock));
    await expect(
      t.db.transaction().execute((trx) => postEntry(trx, { idemKey: 'k-reuse', kind: 'accrual', memo: '', lines: [{ ...lines[0]!, amountFen: 600 }, { ...lines[1]!, amountFen: -600 }] }, clock)),
    ).rejects.toMatchObject({ code: 'ledger_key_reused' });
    const r1 = await t.db.transaction().execute((trx) => reverseEntry(trx, first.entryId, 'oops', clock));
    const r2 = await t.db.transaction().execute((trx) => reverseEntry(trx, first.entryId, 'oops', clock));
    expect(r1.created).toBe(true);
    expect(r2).toEqual({ entryId: r1.entryId, created: false });
    expect(await accountBalance(t.db, sellerAccount('m3', 'x'))).toBe(0);
    expect((await checkLedger(t.db)).ok).toBe(true);
  });

  it('checkLedger reports tampering: an unbalanced entry, a stale cached balance, a double payout', async () => {
    const db = sdb(t.db);
    await db.insertInto('ledger_entries').values({ id: 'jrnl_bad', idem_key: 'bad', kind: 'payout', order_id: 'ord_x', reverses_id: null, memo: '', created_at: 'x' }).execute();
    await db.insertInto('ledger_accounts').values({ code: sellerAccount('m9', 't'), kind: 'seller_payable', normal_side: 'credit', allow_negative: 0, balance_fen: 0, created_at: 'x' }).execute();
    await db.insertInto('ledger_postings').values({ id: 'jrnl_bad_0', entry_id: 'jrnl_bad', seq: 0, account_code: sellerAccount('m9', 't'), amount_fen: 7 }).execute();
    await db.insertInto('ledger_entries').values({ id: 'jrnl_bad2', idem_key: 'bad2', kind: 'payout', order_id: 'ord_x', reverses_id: null, memo: '', created_at: 'x' }).execute();
    const report = await checkLedger(t.db);
    expect(report.ok).toBe(false);
    const kinds = new Set(report.violations.map((v) => v.invariant));
    expect(kinds).toEqual(new Set(['entry_balances', 'entry_has_postings', 'cached_balance_matches', 'no_forbidden_negative_balance', 'one_payout_per_order']));
    await db.deleteFrom('ledger_postings').where('entry_id', '=', 'jrnl_bad').execute();
    await db.deleteFrom('ledger_entries').where('id', 'in', ['jrnl_bad', 'jrnl_bad2']).execute();
    await db.deleteFrom('ledger_accounts').where('code', '=', sellerAccount('m9', 't')).execute();
    expect((await checkLedger(t.db)).ok).toBe(true);
  });
});
