import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { TestDatabase } from '../helpers/db.js';
import { openDb } from './db.js';
import { postEntry } from '../../src/settlement/ledger.js';
import { carrierReceivable, sellerAccount } from '../../src/settlement/accounts.js';
import { sdb } from '../../src/settlement/tables.js';

const state = vi.hoisted(() => ({ db: undefined as unknown }));
vi.mock('../../src/cli/context.js', () => ({
  openCliContext: async () => ({ db: state.db, dialect: 'sqlite', close: async () => undefined }),
}));
const { registerSettlementCommands } = await import('../../src/cli/commands/settlement.js');

describe('cardrecycle ledger check', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openDb('sqlite');
    state.db = t.db;
    await t.db.transaction().execute((trx) =>
      postEntry(trx, { idemKey: 'cli-1', kind: 'accrual', memo: '', lines: [{ account: carrierReceivable('cmcc'), amountFen: 100 }, { account: sellerAccount('m', 's'), amountFen: -100 }] }, new ManualClock()),
    );
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function run(...args: string[]): Promise<{ out: string; error?: Error }> {
    const program = new Command().exitOverride();
    registerSettlementCommands(program);
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
    try {
      await program.parseAsync(['node', 'cardrecycle', ...args]);
      return { out };
    } catch (e) {
      return { out, error: e as Error };
    } finally {
      spy.mockRestore();
    }
  }

  it('prints one JSON document and succeeds on balanced books', async () => {
    const { out, error } = await run('ledger', 'check', '--json');
    expect(error).toBeUndefined();
    expect(JSON.parse(out)).toMatchObject({ ok: true, entries: 1, postings: 2, totalFen: 0, violations: [] });
    expect((await run('ledger', 'check')).out).toMatch(/^ledger OK: 1 entries/);
  });

  it('fails with a one-line reason when an invariant is broken', async () => {
    await sdb(t.db).updateTable('ledger_accounts').set({ balance_fen: 99 }).where('code', '=', sellerAccount('m', 's')).execute();
    const { out, error } = await run('ledger', 'check', '--json');
    expect(JSON.parse(out).ok).toBe(false);
    expect(error?.message).toMatch(/^ledger check failed: 1 violation\(s\), first cached_balance_matches on seller:m:s/);
    expect(error?.message).not.toContain('\n');
  });
});
