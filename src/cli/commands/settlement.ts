import type { Command } from 'commander';
import { openCliContext } from '../context.js';
import { emit } from '../output.js';
import { checkLedger, type LedgerReport } from '../../settlement/check-ledger.js';

function human(r: LedgerReport): string {
  const head = `ledger ${r.ok ? 'OK' : 'BROKEN'}: ${r.entries} entries, ${r.postings} postings, ${r.accounts} accounts, total ${r.totalFen} fen`;
  return [head, ...r.violations.map((v) => `  ${v.invariant}: ${v.subject}: ${v.detail}`)].join('\n');
}

/** `cardrecycle ledger check [--json]`: recomputes the ledger invariants; exits non-zero on any violation. */
export function registerSettlementCommands(program: Command): void {
  const ledger = program.command('ledger').description('Double-entry ledger tools');
  ledger
    .command('check')
    .description('Check that every entry balances, balances are allowed, and each order was paid at most once')
    .option('--json', 'one JSON document on stdout')
    .action(async (opts: { json?: boolean }) => {
      const ctx = await openCliContext();
      let report: LedgerReport;
      try {
        report = await checkLedger(ctx.db);
      } finally {
        await ctx.close();
      }
      emit(Boolean(opts.json), report, () => human(report));
      if (!report.ok) {
        const first = report.violations[0]!;
        throw new Error(`ledger check failed: ${report.violations.length} violation(s), first ${first.invariant} on ${first.subject}: ${first.detail}`);
      }
    });
}
