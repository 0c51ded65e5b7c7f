/**
 * Settlement facade: double-entry ledger, fees, Alipay payouts, cycles, limits, reconciliation.
 * See createSettlement for the wiring; everything else is exported for tests and tools.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { OrderPipelinePort } from '../orders/port.js';
import type { JobQueue } from '../queue/types.js';
import type { Db } from '../store/database.js';
import type { WebhookDispatcher } from '../notify/webhooks.js';
import type { AlipayParams } from './alipay-sign.js';
import type { PayoutGateway } from './alipay-gateway.js';
import { checkLedger } from './check-ledger.js';
import type { DailyLimiter } from './daily-limit.js';
import { pricingFeeLine, type FeeTerms } from './fees.js';
import { handleAlipayNotify } from './gateway-notify.js';
import { enqueueSettlement, registerSettlementJobs, scheduleCycle, scheduleReconciliation } from './jobs.js';
import { reconcile } from './reconciliation.js';
import { SettlementService } from './settlement-service.js';
import { DEFAULT_SETTLEMENT_SETTINGS, type SettlementSettings } from './settings.js';

export * from './accounts.js';
export * from './settings.js';
export { computeFeeLines, feeIncludedIn, pricingFeeLine, applicableRateBps, totalFee, type FeeLine, type FeeTerms } from './fees.js';
export { postEntry, reverseEntry, accountBalance, assertBalanced, NegativeBalanceError, type PostingLine, type EntryInput } from './ledger.js';
export { checkLedger, type LedgerReport, type LedgerViolation } from './check-ledger.js';
export { AlipayGateway, fetchTransport, parseStatementCsv, type PayoutGateway, type GatewayTransport, type TransferResult, type StatementRow } from './alipay-gateway.js';
export * from './alipay-sign.js';
export { GatewaySimulator, type GatewaySimulatorOptions, type SimFault } from './gateway-simulator.js';
export { MemorySimTransferStore, DbSimTransferStore, sharedDevKeys, type SimTransfer, type SimTransferStore } from './gateway-sim-store.js';
export { handleAlipayNotify } from './gateway-notify.js';
export { createDevGateway, createAlipayGateway, type GatewaySetup } from './dev-gateway.js';
export { SettlementService, PayoutPendingError, type SettleOutcome, type SettlementDeps } from './settlement-service.js';
export { reconcile, type ReconReport, type ReconItem } from './reconciliation.js';
export { dbDailyLimiter, redisDailyLimiter, businessDay, type DailyLimiter } from './daily-limit.js';
export { cycleDueAt, outBizNoFor } from './cycles.js';
export { JOBS, registerSettlementJobs, enqueueSettlement, scheduleCycle, scheduleReconciliation } from './jobs.js';
export { migrations } from './migrations.js';
export type { SettlementTables } from './tables.js';

export interface CreateSettlementDeps {
  db: Db;
  clock: Clock;
  queue: JobQueue;
  orders: OrderPipelinePort;
  gateway: PayoutGateway;
  /** The merchant's settlement settings (parseSettlementSettings of merchants.settings.settlement). */
  merchantSettings(merchantId: string): Promise<SettlementSettings>;
  limiter?: DailyLimiter;
  webhooks?: WebhookDispatcher;
  logger?: Logger;
}

export function createSettlement(deps: CreateSettlementDeps) {
  const service = new SettlementService({
    ...deps,
    scheduleCycle: async (merchantId, dueAt) => void (await scheduleCycle(deps.queue, deps.clock, merchantId, dueAt)),
  });
  // Pricing asks synchronously; terms per merchant are cached here and refreshed by warmFeeTerms.
  const feeTerms = new Map<string, FeeTerms & { at: number }>();
  const defaultTerms: FeeTerms = { schedule: DEFAULT_SETTLEMENT_SETTINGS.feeSchedule, monthlyVolumeFen: 0 };
  const warmFeeTerms = async (merchantId: string): Promise<FeeTerms> => {
    const hit = feeTerms.get(merchantId);
    if (hit && deps.clock.now().getTime() - hit.at < 60_000) return hit;
    const settings = await deps.merchantSettings(merchantId);
    const terms = { schedule: settings.feeSchedule, monthlyVolumeFen: await service.monthlyVolume(merchantId, deps.clock.now()), at: deps.clock.now().getTime() };
    feeTerms.set(merchantId, terms);
    return terms;
  };
  return {
    service,
    /** Pricing's `feeLines` entry: the merchant's service fee in the quote breakdown (cold cache → default schedule). */
    pricingFeeLine: pricingFeeLine((merchantId) => (merchantId ? feeTerms.get(merchantId) : undefined) ?? defaultTerms),
    /** Await before quoting for a merchant so its own schedule and tier apply (cached 60 s). */
    warmFeeTerms,
    registerJobs: () => registerSettlementJobs(deps.queue, { ...deps, service }),
    /** Call once at start-up (idempotent): starts the daily reconciliation chain. */
    scheduleReconciliation: () => scheduleReconciliation(deps.queue, deps.clock),
    enqueueSettlement: (orderId: string) => enqueueSettlement(deps.queue, orderId),
    handleNotify: (params: AlipayParams) => handleAlipayNotify({ gateway: deps.gateway, service, logger: deps.logger }, params),
    reconcile: (billDate: string) => reconcile({ ...deps, service }, billDate),
    checkLedger: () => checkLedger(deps.db),
  };
}

export type Settlement = ReturnType<typeof createSettlement>;
