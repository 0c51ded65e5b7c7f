/** Risk facade: rules as data, the engine, counters and blocklists. */
export { RiskSettingsSchema, DEFAULT_RISK_SETTINGS, type RiskSettings } from './risk-settings.js';
export { buildRules, decide, type RiskRule, type RiskReason, type RiskAction, type RiskDecisionKind } from './rules.js';
export { RiskEngine, chinaDay, type RiskDecision, type RiskEngineDeps } from './risk-engine.js';
export { DbCounterStore, RedisCounterStore, type CounterStore, type ConsumeResult } from './counters.js';
export { BlocklistStore, BLOCKLIST_KINDS, type BlocklistKind, type BlocklistEntry } from './blocklist.js';
export { orderSubjects, type OrderSubjects } from './order-subjects.js';
export type { RiskTables } from './tables.js';
