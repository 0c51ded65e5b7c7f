import { Counter, type Registry } from 'prom-client';
import type { PipelineOrder } from '../orders/port.js';
import { DIAGNOSIS_CASES, UNKNOWN_CASE, type DiagnosisCase } from './cases.js';

export interface HistoryEntry {
  to_status: string;
  reason: string | null;
  details?: unknown;
}

export interface Diagnosis {
  orderId: string;
  status: string;
  /** The failure code diagnosed (order.reason, else the latest reason in the history); null: nothing failed. */
  code: string | null;
  matched: boolean;
  case: DiagnosisCase | null;
  /** The history entries that carried a reason, latest last (no details: they may be large). */
  evidence: Array<{ status: string; reason: string }>;
}

export interface DiagnosisMetrics {
  unmatched: Counter<'code'>;
}

export function createDiagnosisMetrics(registry: Registry): DiagnosisMetrics {
  return {
    unmatched: new Counter({
      name: 'cardrecycle_diagnosis_unmatched_total',
      help: 'Diagnosed failures whose code has no case in the library',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
  };
}

const PROBLEM_STATUSES: readonly string[] = ['rejected', 'failed', 'review', 'disputed', 'frozen'];

/** Exact code first, then the longest prefix case. */
export function findCase(code: string, cases: readonly DiagnosisCase[] = DIAGNOSIS_CASES): DiagnosisCase | undefined {
  const exact = cases.find((c) => !c.prefix && c.code === code);
  if (exact) return exact;
  return cases
    .filter((c) => c.prefix && code.startsWith(c.code))
    .sort((a, b) => b.code.length - a.code.length)[0];
}

export function diagnose(
  order: Pick<PipelineOrder, 'id' | 'status' | 'reason'>,
  history: HistoryEntry[],
  metrics?: DiagnosisMetrics,
  cases: readonly DiagnosisCase[] = DIAGNOSIS_CASES,
): Diagnosis {
  const evidence = history.filter((h) => h.reason).map((h) => ({ status: h.to_status, reason: h.reason as string }));
  // The history's last reason explains a parked or dead order; a healthy one is diagnosed by its own reason only.
  const code = order.reason ?? (PROBLEM_STATUSES.includes(order.status) ? evidence.at(-1)?.reason : undefined) ?? null;
  if (!code) return { orderId: order.id, status: order.status, code: null, matched: false, case: null, evidence };
  const found = findCase(code, cases);
  if (!found) metrics?.unmatched.inc({ code: /^[a-z0-9_]{1,64}$/.test(code) ? code : 'invalid_code' });
  return { orderId: order.id, status: order.status, code, matched: Boolean(found), case: found ?? UNKNOWN_CASE, evidence };
}
