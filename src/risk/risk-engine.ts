import type { Clock } from '../core/clock.js';
import { yuanToFen } from '../core/money.js';
import type { OrderPipelinePort, PipelineOrder } from '../orders/port.js';
import type { Db } from '../store/database.js';
import type { BlocklistKind, BlocklistStore } from './blocklist.js';
import type { CounterStore } from './counters.js';
import { orderSubjects } from './order-subjects.js';
import { DEFAULT_RISK_SETTINGS, type RiskSettings } from './risk-settings.js';
import { buildRules, decide, type RiskDecisionKind, type RiskReason, type RiskRule } from './rules.js';
import type { RiskTables } from './tables.js';

export interface RiskDecision {
  orderId: string;
  decision: RiskDecisionKind;
  reasons: RiskReason[];
  /** Ids of the rules that were evaluated, in order. */
  evaluated: string[];
  decidedAt: string;
}

export interface RiskEngineDeps {
  db: Db;
  counters: CounterStore;
  blocklist: BlocklistStore;
  clock: Clock;
  /** Used to see whether an earlier order of the same card is still alive. */
  orders: Pick<OrderPipelinePort, 'get'>;
  /** Override the rule set (default: buildRules(settings)). */
  rules?: (settings: RiskSettings) => RiskRule[];
}

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Daily limits reset at midnight China time. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Evaluates an order against the merchant's rules once: the decision is stored, so a re-run job
 * gets the same answer and counters move at most once per order.
 */
export class RiskEngine {
  private readonly db;
  constructor(private readonly deps: RiskEngineDeps) {
    this.db = deps.db.withTables<RiskTables>();
  }

  async previousDecision(orderId: string): Promise<RiskDecision | undefined> {
    const row = await this.db.selectFrom('risk_decisions').selectAll().where('order_id', '=', orderId).executeTakeFirst();
    if (!row) return undefined;
    const stored = JSON.parse(row.reasons) as { reasons: RiskReason[]; evaluated: string[] };
    return { orderId, decision: row.decision as RiskDecisionKind, reasons: stored.reasons, evaluated: stored.evaluated, decidedAt: row.created_at };
  }

  async evaluate(order: PipelineOrder, settings: RiskSettings = DEFAULT_RISK_SETTINGS): Promise<RiskDecision> {
    const previous = await this.previousDecision(order.id);
    if (previous) return previous;
    const rules = (this.deps.rules ?? buildRules)(settings);
    const reasons: RiskReason[] = [];
    const evaluated: string[] = [];
    const consumed: string[] = [];
    for (const rule of rules) {
      evaluated.push(rule.id);
      const hit = await this.apply(rule, order, consumed);
      if (hit) reasons.push({ rule: rule.id, action: rule.action, ...hit });
      if (hit && rule.action === 'reject') break;
    }
    const decision = decide(reasons);
    // A rejected order must not use up the day's quota.
    if (decision === 'reject') for (const key of consumed) await this.deps.counters.release(key, order.id);
    const decidedAt = this.deps.clock.now().toISOString();
    await this.db
      .insertInto('risk_decisions')
      .values({ order_id: order.id, decision, reasons: JSON.stringify({ reasons, evaluated }), created_at: decidedAt })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .execute();
    // Another worker may have won the race: its decision is the one that counts.
    return (await this.previousDecision(order.id)) ?? { orderId: order.id, decision, reasons, evaluated, decidedAt };
  }

  private async apply(rule: RiskRule, order: PipelineOrder, consumed: string[]): Promise<{ code: string; detail: string } | undefined> {
    const subjects = orderSubjects(order);
    const now = this.deps.clock.now();
    switch (rule.kind) {
      case 'blocklist': {
        const values: Record<BlocklistKind, string | undefined> = {
          merchant: order.merchantId,
          seller: subjects.seller,
          ip: subjects.ip,
          device: subjects.device,
          card: order.cardFingerprint,
        };
        const wanted = rule.subjects.flatMap((kind) => (values[kind] ? [{ kind, value: values[kind] as string }] : []));
        const hits = await this.deps.blocklist.match(wanted);
        if (hits.length === 0) return undefined;
        const first = hits[0];
        return { code: `risk_blocklisted_${first.kind}`, detail: `${first.kind} is blocklisted: ${first.reason}` };
      }
      case 'duplicate_card':
        return this.duplicateCard(order);
      case 'recognition_confidence': {
        const c = subjects.recognitionConfidence;
        if (c === undefined || c >= rule.min) return undefined;
        return { code: 'risk_low_confidence', detail: `recognition confidence ${c} below ${rule.min}` };
      }
      case 'velocity': {
        const who = subjects[rule.subject];
        if (!who) return undefined;
        const bucket = Math.floor(now.getTime() / rule.windowMs);
        const key = `vel:${rule.subject}:${who}:${rule.windowMs}:${bucket}`;
        const r = await this.deps.counters.consume(key, order.id, 1, rule.windowMs * 2);
        if (r.value <= rule.max) return undefined;
        return { code: `risk_velocity_${rule.subject}`, detail: `${r.value} orders from this ${rule.subject} in the window (max ${rule.max})` };
      }
      case 'daily_amount': {
        const who = rule.scope === 'merchant' ? order.merchantId : subjects.seller;
        if (!who) return undefined;
        const key = `day:${rule.scope}:${who}:${chinaDay(now)}`;
        const amount = yuanToFen(order.denomination);
        const r = await this.deps.counters.consume(key, order.id, amount, 2 * DAY_MS, rule.limitFen);
        if (r.ok) {
          consumed.push(key);
          return undefined;
        }
        return { code: `risk_daily_limit_${rule.scope}`, detail: `daily ${rule.scope} limit ${rule.limitFen} fen would be exceeded (used ${r.value})` };
      }
    }
  }

  private async duplicateCard(order: PipelineOrder): Promise<{ code: string; detail: string } | undefined> {
    const seen = this.db;
    await seen
      .insertInto('risk_cards_seen')
      .values({ card_fingerprint: order.cardFingerprint, order_id: order.id, created_at: this.deps.clock.now().toISOString() })
      .onConflict((oc) => oc.column('card_fingerprint').doNothing())
      .execute();
    const row = await seen.selectFrom('risk_cards_seen').select('order_id').where('card_fingerprint', '=', order.cardFingerprint).executeTakeFirst();
    if (!row || row.order_id === order.id) return undefined;
    const other = await this.deps.orders.get(row.order_id);
    // A card whose earlier order died (rejected / failed) may be submitted again.
    if (!other || other.status === 'rejected' || other.status === 'failed') {
      const taken = await seen
        .updateTable('risk_cards_seen')
        .set({ order_id: order.id })
        .where('card_fingerprint', '=', order.cardFingerprint)
        .where('order_id', '=', row.order_id)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return undefined;
    }
    return { code: 'risk_duplicate_card', detail: `card already submitted in order ${row.order_id}` };
  }
}
