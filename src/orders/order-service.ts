import type { Kysely, Transaction } from 'kysely';
import { AppError, conflict, notFound, unprocessable } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { AuditLog } from '../audit/audit-log.js';
import { CARRIERS, parseCard, type Catalogue } from '../cards/index.js';
import type { BlindIndex } from '../security/blind-index.js';
import type { Envelope } from '../security/envelope.js';
import type { Dialect } from '../store/database.js';
import { isUniqueViolation } from '../store/errors.js';
import { numeric, precompile } from '../store/precompiled.js';
import type { CoreTables, OrderEventsTable, OrdersTable } from '../store/tables.js';
import type { JobQueue } from '../queue/types.js';
import type { OrderEventBus } from './order-events.js';
import { HISTORY_COLUMNS, ORDER_VIEW_COLUMNS, toOrderView, toPipelineOrder } from './order-mapper.js';
import type { OrderPipelinePort, PipelineOrder, SecretCard, TransitionInfo } from './port.js';
import { CreateOrderSchema, type CreateOrderInput, type OrderView } from './schemas.js';
import { canTransition, type OrderStatus } from './statuses.js';

export interface OrderServiceDeps {
  db: Kysely<CoreTables>;
  dialect: Dialect;
  envelope: Envelope;
  blindIndex: BlindIndex;
  queue: JobQueue;
  clock: Clock;
  events: OrderEventBus;
  logger: Logger;
  /** Authenticates the audit chain's head (see appendAudit). */
  auditHeadKey: Buffer;
  catalogue?: Catalogue;
}

export const VALIDATE_JOB = 'order.validate';
export const VERIFY_JOB = 'order.verify';

export interface BatchItemResult {
  index: number;
  status: number;
  order?: OrderView;
  error?: { code: string; detail: string };
}

/**
 * Intake and lifecycle of orders. Every status change goes through `transition`: the transitions
 * table is checked, the row saved with an optimistic version, the history and the audit chain
 * appended in the same transaction, and the change published after commit.
 */
export class OrderService implements OrderPipelinePort {
  // The merchant's read (`GET /v1/orders/{id}`) and every transition's statements run for every
  // order, several times: compiled once (see store/precompiled.ts).
  private readonly viewRow;
  private readonly historyRows;
  private readonly lockRow;
  private readonly saveRow;
  private readonly insertEvent;
  private readonly orderRow;
  private readonly cardRow;
  private readonly sameCard;
  private readonly sameRef;
  private readonly insertOrder;
  private readonly audit: AuditLog;

  constructor(private readonly deps: OrderServiceDeps) {
    const { db } = deps;
    this.viewRow = precompile(db, 2, ([id, merchantId]) =>
      db.selectFrom('orders').select(ORDER_VIEW_COLUMNS).where('id', '=', id!).where('merchant_id', '=', merchantId!));
    this.historyRows = precompile(db, 1, ([orderId]) =>
      db.selectFrom('order_events').select(HISTORY_COLUMNS).where('order_id', '=', orderId!).orderBy('id', 'asc'));
    this.lockRow = precompile(db, 1, ([id]) => {
      const q = db.selectFrom('orders').selectAll().where('id', '=', id!);
      return deps.dialect === 'postgres' ? q.forUpdate() : q;
    });
    // Placeholders: status, reason, quote_fen, settled_fen, version, updated_at, id, expected version.
    this.saveRow = precompile(db, 8, (p) =>
      db.updateTable('orders')
        .set({ status: p[0]!, reason: p[1]!, quote_fen: numeric(p[2]), settled_fen: numeric(p[3]), version: numeric(p[4]), updated_at: p[5]! })
        .where('id', '=', p[6]!).where('version', '=', numeric(p[7])));
    const eventColumns = ['id', 'order_id', 'from_status', 'to_status', 'reason', 'details', 'actor', 'created_at'] as const;
    this.insertEvent = precompile(db, eventColumns.length, (p) =>
      db.insertInto('order_events').values(Object.fromEntries(eventColumns.map((c, i) => [c, p[i]])) as unknown as OrderEventsTable));
    // The pipeline reads an order at each step, and its card twice (validation, carrier check).
    this.orderRow = precompile(db, 1, ([id]) => db.selectFrom('orders').selectAll().where('id', '=', id!));
    this.cardRow = precompile(db, 1, ([id]) => db.selectFrom('orders').select(['card_ciphertext', 'data_key_id']).where('id', '=', id!));
    // Intake's uniqueness checks and insert, for every order: compiled once.
    this.sameCard = precompile(db, 1, ([fingerprint]) => db.selectFrom('orders').select('id').where('card_fingerprint', '=', fingerprint!).where('status', '<>', 'rejected'));
    this.sameRef = precompile(db, 2, ([merchantId, merchantOrderId]) =>
      db.selectFrom('orders').select('id').where('merchant_id', '=', merchantId!).where('merchant_order_id', '=', merchantOrderId!));
    this.insertOrder = precompile(db, ORDER_COLUMNS.length, (p) =>
      db.insertInto('orders').values(Object.fromEntries(ORDER_COLUMNS.map((c, i) => [c, p[i]])) as unknown as OrdersTable));
    this.audit = new AuditLog({ db, dialect: deps.dialect, headKey: deps.auditHeadKey });
  }

  private get catalogue(): Catalogue {
    return this.deps.catalogue ?? CARRIERS;
  }

  async create(merchantId: string, input: CreateOrderInput, actor = 'merchant'): Promise<OrderView> {
    const parsed = parseCard(input, this.catalogue);
    if (!parsed.ok) throw unprocessable(parsed.problem.code, parsed.problem.detail);
    const card = parsed.card;
    const fingerprint = this.deps.blindIndex.card(card.carrier, card.cardNumber);
    const now = this.deps.clock.now();
    const id = newId('ord', now.getTime());
    const context = {
      ...(input.seller ? { seller: input.seller } : {}),
      ...(input.recognitionConfidence !== undefined ? { recognitionConfidence: input.recognitionConfidence } : {}),
    };
    const row: OrdersTable = {
      id,
      merchant_id: merchantId,
      merchant_order_id: input.merchantOrderId,
      carrier: card.carrier,
      denomination: card.denomination,
      card_number_masked: card.cardNumberMasked,
      pin_masked: card.pinMasked,
      card_ciphertext: '',
      data_key_id: '',
      card_fingerprint: fingerprint,
      status: 'received',
      reason: null,
      quote_fen: null,
      settled_fen: null,
      notify_url: input.notifyUrl ?? null,
      payout: input.payout ? JSON.stringify(input.payout) : null,
      context: JSON.stringify(context),
      version: 1,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        await this.assertUnique(trx, merchantId, input.merchantOrderId, fingerprint);
        const sealed = await this.deps.envelope.encrypt(
          trx,
          Buffer.from(JSON.stringify({ n: card.cardNumber, p: card.cardPin }), 'utf8'),
          `order-card:${id}`,
        );
        const stored: OrdersTable = { ...row, card_ciphertext: sealed.ciphertext, data_key_id: sealed.dataKeyId };
        await this.insertOrder.run(trx, ...ORDER_COLUMNS.map((c) => stored[c]));
        await this.recordChange(trx, row, null, 'received', { actor, details: { carrier: card.carrier, denomination: card.denomination } });
      });
    } catch (e) {
      if (isUniqueViolation(e)) {
        // Lost a race with a concurrent request: report which constraint, as the pre-check would have.
        await this.assertUnique(this.deps.db, merchantId, input.merchantOrderId, fingerprint);
        throw conflict('duplicate_order', 'an order with these details exists already');
      }
      throw e;
    }
    this.publish(row, null, 'received', null);
    await this.deps.queue.add(VALIDATE_JOB, { orderId: id }, { jobId: `validate:${id}` });
    return toOrderView(row, []);
  }

  /** One bad card never sinks the batch: each item is validated and created on its own. */
  async createBatch(merchantId: string, items: unknown[]): Promise<BatchItemResult[]> {
    const results: BatchItemResult[] = [];
    for (let index = 0; index < items.length; index++) {
      const shape = CreateOrderSchema.safeParse(items[index]);
      if (!shape.success) {
        const issue = shape.error.issues[0];
        results.push({ index, status: 400, error: { code: 'validation_failed', detail: `${issue?.path.join('.') || 'item'}: ${issue?.message}` } });
        continue;
      }
      try {
        const order = await this.create(merchantId, shape.data, 'merchant:batch');
        results.push({ index, status: 202, order });
      } catch (e) {
        if (e instanceof AppError && e.status < 500) results.push({ index, status: e.status, error: { code: e.code, detail: e.detail } });
        else throw e;
      }
    }
    return results;
  }

  async view(merchantId: string, orderId: string): Promise<OrderView> {
    const [row] = await this.viewRow(orderId, merchantId);
    if (!row) throw notFound('order_not_found', 'no order with this id for this merchant');
    return toOrderView(row, await this.historyRows(orderId));
  }

  /** Newest first; the cursor is the last id of the previous page (ids sort by creation time). */
  async list(merchantId: string, limit: number, cursor?: string): Promise<{ data: OrderView[]; nextCursor: string | null }> {
    let q = this.deps.db.selectFrom('orders').selectAll().where('merchant_id', '=', merchantId);
    if (cursor) {
      const after = decodeCursor(cursor);
      q = q.where('id', '<', after);
    }
    const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    return { data: page.map((r) => toOrderView(r)), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  async history(orderId: string) {
    return this.historyRows(orderId);
  }

  // ── OrderPipelinePort ──────────────────────────────────────────────────────────────
  async get(orderId: string): Promise<PipelineOrder | undefined> {
    const [row] = await this.orderRow(orderId);
    return row ? toPipelineOrder(row) : undefined;
  }

  async revealCard(orderId: string): Promise<SecretCard> {
    const [row] = await this.cardRow(orderId);
    if (!row) throw notFound('order_not_found', 'no order with this id');
    const plain = await this.deps.envelope.decrypt(this.deps.db, { dataKeyId: row.data_key_id, ciphertext: row.card_ciphertext }, `order-card:${orderId}`);
    const { n, p } = JSON.parse(plain.toString('utf8')) as { n: string; p: string };
    return { cardNumber: n, cardPin: p };
  }

  async transition(orderId: string, to: OrderStatus, info: TransitionInfo = {}): Promise<PipelineOrder> {
    const { before, after } = await this.deps.db.transaction().execute(async (trx) => {
      const [current] = (await this.lockRow.run(trx, orderId)).rows;
      if (!current) throw notFound('order_not_found', 'no order with this id');
      const from = current.status as OrderStatus;
      if (!canTransition(from, to)) {
        throw conflict('invalid_transition', `an order cannot move from ${from} to ${to}`, { from, to });
      }
      const next: OrdersTable = {
        ...current,
        status: to,
        reason: info.reason ?? null,
        quote_fen: info.quoteFen ?? current.quote_fen,
        settled_fen: info.settledFen ?? current.settled_fen,
        version: current.version + 1,
        updated_at: this.deps.clock.now().toISOString(),
      };
      const res = await this.saveRow.run(trx, next.status, next.reason, next.quote_fen, next.settled_fen, next.version, next.updated_at, orderId, current.version);
      if (Number(res.numAffectedRows) !== 1) throw conflict('concurrent_update', 'the order changed meanwhile; retry');
      await this.recordChange(trx, next, from, to, info);
      return { before: current, after: next };
    });
    this.publish(after, before.status as OrderStatus, to, info.reason ?? null);
    return toPipelineOrder(after);
  }

  // ── internals ──────────────────────────────────────────────────────────────────────
  private async assertUnique(exec: Kysely<CoreTables> | Transaction<CoreTables>, merchantId: string, merchantOrderId: string, fingerprint: string) {
    // Rejected orders do not count: the card may be submitted again (see migration 0004).
    const [sameCard] = (await this.sameCard.run(exec, fingerprint)).rows;
    if (sameCard) throw conflict('card_already_submitted', 'this card has been submitted already');
    const [sameRef] = (await this.sameRef.run(exec, merchantId, merchantOrderId)).rows;
    if (sameRef) throw conflict('duplicate_merchant_order_id', 'an order with this merchantOrderId exists already', { orderId: sameRef.id });
  }

  private async recordChange(trx: Transaction<CoreTables>, row: OrdersTable, from: OrderStatus | null, to: OrderStatus, info: TransitionInfo) {
    const at = new Date(row.updated_at);
    const details = { ...(info.details ?? {}), ...(info.quoteFen !== undefined ? { quoteFen: info.quoteFen } : {}), ...(info.settledFen !== undefined ? { settledFen: info.settledFen } : {}) };
    await this.insertEvent.run(trx, newId('evt', at.getTime()), row.id, from, to, info.reason ?? null, JSON.stringify(details), info.actor ?? 'system', at.toISOString());
    await this.audit.append(trx, {
      entityType: 'order',
      entityId: row.id,
      action: `status:${from ?? 'none'}->${to}`,
      payload: { merchantId: row.merchant_id, reason: info.reason ?? null, details },
      actor: info.actor ?? 'system',
      at,
    });
  }

  private publish(row: OrdersTable, from: OrderStatus | null, to: OrderStatus, reason: string | null) {
    this.deps.events.publish({ orderId: row.id, merchantId: row.merchant_id, from, to, reason, at: row.updated_at });
  }
}

const ORDER_COLUMNS = [
  'id', 'merchant_id', 'merchant_order_id', 'carrier', 'denomination', 'card_number_masked', 'pin_masked', 'card_ciphertext', 'data_key_id',
  'card_fingerprint', 'status', 'reason', 'quote_fen', 'settled_fen', 'notify_url', 'payout', 'context', 'version', 'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof OrdersTable>;
// Fails to compile when OrdersTable gains a column the insert above does not list.
const allOrderColumns: Record<Exclude<keyof OrdersTable, (typeof ORDER_COLUMNS)[number]>, never> = {};
void allOrderColumns;

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^ord_[0-9a-z]{25}$/.test(id)) throw new AppError('invalid_cursor', 400, 'Bad request', { detail: 'the cursor is not one this API returned' });
  return id;
}
