import type { Clock } from '../core/clock.js';
import { yuanToFen } from '../core/money.js';
import type { OrderPipelinePort, PipelineOrder } from '../orders/port.js';
import type { Kysely } from 'kysely';
import type { Db } from '../store/database.js';
import type { CoreTables } from '../store/tables.js';
import type { BlocklistKind, BlocklistStore } from './blocklist.js';
import type { CounterStore } from './counters.js';
import { orderSubjects } from './order-subjects.js';
import { DEFAULT_RISK_SETTINGS, type RiskSettings } from './risk-settings.js';
import { buildRules, decide, type RiskDecisionKind, type RiskReason, type RiskRule } from './rules.js';
import type { RiskDecisionsTable, RiskTables } from './tables.js';
import { sharedPrecompile } from '../store/precompiled.js';

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

  previousDecision(orderId: string): Promise<RiskDecision | undefined> {
    return previousDecisionIn(this.db, orderId);
  }

  /**
   * One transaction for the whole evaluation: the decision, the counters it moved and the card it
   * recorded commit together (a crash leaves none of them), and with SQLite's single writer one
   * commit per order instead of one per rule was a measurable part of settlement throughput.
   */
  async evaluate(order: PipelineOrder, settings: RiskSettings = DEFAULT_RISK_SETTINGS): Promise<RiskDecision> {
    const rules = (this.deps.rules ?? buildRules)(settings);
    // Asked of the orders service before the transaction: on SQLite it would wait for the connection the transaction holds.
    const earlier = rules.some((r) => r.kind === 'duplicate_card') ? await this.earlierOrderOfCard(order) : undefined;
    return this.deps.db.transaction().execute((trx) => this.evaluateIn(trx, order, rules, earlier));
  }

  private async evaluateIn(trx: Db, order: PipelineOrder, rules: RiskRule[], earlier: EarlierOrder | undefined): Promise<RiskDecision> {
    const scope: Scope = { db: trx.withTables<RiskTables>(), counters: this.deps.counters.bind(trx), blocklist: this.deps.blocklist.bind(trx), earlier };
    const previous = await previousDecisionIn(scope.db, order.id);
    if (previous) return previous;
    const reasons: RiskReason[] = [];
    const evaluated: string[] = [];
    const consumed: string[] = [];
    for (const rule of rules) {
      evaluated.push(rule.id);
      const hit = await this.apply(scope, rule, order, consumed);
      if (hit) reasons.push({ rule: rule.id, action: rule.action, ...hit });
      if (hit && rule.action === 'reject') break;
    }
    const decision = decide(reasons);
    // A rejected order must not use up the day's quota.
    if (decision === 'reject') for (const key of consumed) await scope.counters.release(key, order.id);
    const decidedAt = this.deps.clock.now().toISOString();
    await insertDecision.run(scope.db, order.id, decision, JSON.stringify({ reasons, evaluated }), decidedAt);
    // Another worker may have won the race: its decision is the one that counts.
    return (await previousDecisionIn(scope.db, order.id)) ?? { orderId: order.id, decision, reasons, evaluated, decidedAt };
  }

  private async apply(scope: Scope, rule: RiskRule, order: PipelineOrder, consumed: string[]): Promise<{ code: string; detail: string } | undefined> {
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
        const hits = await scope.blocklist.match(wanted);
        if (hits.length === 0) return undefined;
        const first = hits[0];
        return { code: `risk_blocklisted_${first.kind}`, detail: `${first.kind} is blocklisted: ${first.reason}` };
      }
      case 'duplicate_card':
        return this.duplicateCard(scope, order);
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
        const r = await scope.counters.consume(key, order.id, 1, rule.windowMs * 2);
        if (r.value <= rule.max) return undefined;
        return { code: `risk_velocity_${rule.subject}`, detail: `${r.value} orders from this ${rule.subject} in the window (max ${rule.max})` };
      }
      case 'daily_amount': {
        const who = rule.scope === 'merchant' ? order.merchantId : subjects.seller;
        if (!who) return undefined;
        const key = `day:${rule.scope}:${who}:${chinaDay(now)}`;
        const amount = yuanToFen(order.denomination);
        const r = await scope.counters.consume(key, order.id, amount, 2 * DAY_MS, rule.limitFen);
        if (r.ok) {
          consumed.push(key);
          return undefined;
        }
        return { code: `risk_daily_limit_${rule.scope}`, detail: `daily ${rule.scope} limit ${rule.limitFen} fen would be exceeded (used ${r.value})` };
      }
    }
  }

  /** The order that last claimed this card, if it is another one, and whether it is still alive. */
  private async earlierOrderOfCard(order: PipelineOrder): Promise<EarlierOrder | undefined> {
    const [row] = await cardSeenBy.rows(this.db, order.cardFingerprint);
    if (!row || row.order_id === order.id) return undefined;
    const other = await this.deps.orders.get(row.order_id);
    // A card whose earlier order died (rejected / failed) may be submitted again.
    return { orderId: row.order_id, alive: !!other && other.status !== 'rejected' && other.status !== 'failed' };
  }

  private async duplicateCard(scope: Scope, order: PipelineOrder): Promise<{ code: string; detail: string } | undefined> {
    const seen = scope.db;
    await insertCardSeen.run(seen, order.cardFingerprint, order.id, this.deps.clock.now().toISOString());
    const [row] = await cardSeenBy.rows(seen, order.cardFingerprint);
    if (!row || row.order_id === order.id) return undefined;
    // Its status was read before the transaction; an order that claimed the card since then counts as alive.
    if (scope.earlier?.orderId === row.order_id && !scope.earlier.alive) {
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

type RiskDb = Kysely<CoreTables & RiskTables>;

/** What one evaluation reads and writes through: all of it in the evaluation's transaction. */
interface Scope {
  db: RiskDb;
  counters: CounterStore;
  blocklist: BlocklistStore;
  earlier: EarlierOrder | undefined;
}

interface EarlierOrder {
  orderId: string;
  alive: boolean;
}

async function previousDecisionIn(db: RiskDb, orderId: string): Promise<RiskDecision | undefined> {
  const [row] = await decisionOf.rows(db, orderId);
  if (!row) return undefined;
  const stored = JSON.parse(row.reasons) as { reasons: RiskReason[]; evaluated: string[] };
  return { orderId, decision: row.decision as RiskDecisionKind, reasons: stored.reasons, evaluated: stored.evaluated, decidedAt: row.created_at };
}

// Every order is evaluated once: its statements are compiled once.
const decisionOf = sharedPrecompile<RiskDecisionsTable, RiskDb>(1, (db, [orderId]) =>
  db.selectFrom('risk_decisions').selectAll().where('order_id', '=', orderId!));
const insertDecision = sharedPrecompile<never, RiskDb>(4, (db, [orderId, decision, reasons, at]) =>
  db.insertInto('risk_decisions')
    .values({ order_id: orderId!, decision: decision!, reasons: reasons!, created_at: at! })
    .onConflict((oc) => oc.column('order_id').doNothing()));
const insertCardSeen = sharedPrecompile<never, RiskDb>(3, (db, [fingerprint, orderId, at]) =>
  db.insertInto('risk_cards_seen')
    .values({ card_fingerprint: fingerprint!, order_id: orderId!, created_at: at! })
    .onConflict((oc) => oc.column('card_fingerprint').doNothing()));
const cardSeenBy = sharedPrecompile<{ order_id: string }, RiskDb>(1, (db, [fingerprint]) =>
  db.selectFrom('risk_cards_seen').select('order_id').where('card_fingerprint', '=', fingerprint!));
