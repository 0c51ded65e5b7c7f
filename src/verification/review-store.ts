import type { Clock } from '../core/clock.js';
import { conflict, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Db } from '../store/database.js';
import type { ManualItemsTable, VerificationTables } from './tables.js';

export type ManualItemKind = 'review' | 'dispute';
export type ManualItemStage = 'risk' | 'invalid_card' | 'denomination_mismatch' | 'seller_confirmation';
export type ManualItemStatus = 'open' | 'claimed' | 'decided';

export interface ManualItem {
  id: string;
  kind: ManualItemKind;
  stage: ManualItemStage;
  orderId: string;
  merchantId: string;
  status: ManualItemStatus;
  reason: string;
  details: Record<string, unknown>;
  claimedBy: string | null;
  claimedAt: string | null;
  decision: string | null;
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export interface OpenItemInput {
  kind: ManualItemKind;
  stage: ManualItemStage;
  orderId: string;
  merchantId: string;
  reason: string;
  details?: Record<string, unknown>;
}

export interface ListItemsQuery {
  merchantId?: string;
  kind?: ManualItemKind;
  status?: ManualItemStatus;
  orderId?: string;
  /** Id of the last item of the previous page (ids sort by creation time). */
  cursor?: string;
  limit?: number;
}

/** Persistence of review / dispute items. One live (open or claimed) item per order and kind. */
export class ManualItemStore {
  private readonly db;
  constructor(db: Db, private readonly clock: Clock) {
    this.db = db.withTables<VerificationTables>();
  }

  /** Opens an item, or returns the live one of the same order and kind (idempotent for re-run jobs). */
  async open(input: OpenItemInput): Promise<ManualItem> {
    const openKey = `${input.kind}:${input.orderId}`;
    const live = await this.findLive(openKey);
    if (live) return live;
    const now = this.clock.now();
    const id = newId(input.kind === 'dispute' ? 'dsp' : 'rev', now.getTime());
    await this.db
      .insertInto('manual_items')
      .values({
        id,
        kind: input.kind,
        stage: input.stage,
        order_id: input.orderId,
        merchant_id: input.merchantId,
        status: 'open',
        open_key: openKey,
        reason: input.reason,
        details: JSON.stringify(input.details ?? {}),
        claimed_by: null,
        claimed_at: null,
        decision: null,
        decision_reason: null,
        decided_by: null,
        decided_at: null,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column('open_key').doNothing())
      .execute();
    const item = await this.findLive(openKey);
    if (!item) throw new Error(`manual item for ${input.orderId} vanished`);
    return item;
  }

  async get(id: string): Promise<ManualItem | undefined> {
    const row = await this.db.selectFrom('manual_items').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toItem(row) : undefined;
  }

  async liveForOrder(orderId: string, kind: ManualItemKind): Promise<ManualItem | undefined> {
    return this.findLive(`${kind}:${orderId}`);
  }

  async list(q: ListItemsQuery): Promise<ManualItem[]> {
    let query = this.db.selectFrom('manual_items').selectAll().orderBy('id').limit(Math.min(Math.max(q.limit ?? 50, 1), 200));
    if (q.merchantId) query = query.where('merchant_id', '=', q.merchantId);
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.orderId) query = query.where('order_id', '=', q.orderId);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    return (await query.execute()).map(toItem);
  }

  /** Claims an open item (or re-claims one the same actor holds); 409 when someone else has it. */
  async claim(id: string, actor: string): Promise<ManualItem> {
    const now = this.clock.now().toISOString();
    const r = await this.db
      .updateTable('manual_items')
      .set({ status: 'claimed', claimed_by: actor, claimed_at: now, updated_at: now })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('status', '=', 'open'), eb.and([eb('status', '=', 'claimed'), eb('claimed_by', '=', actor)])]))
      .executeTakeFirst();
    const item = await this.get(id);
    if (!item) throw notFound('review_not_found', `no review item ${id}`);
    if (Number(r.numUpdatedRows) === 0) {
      if (item.status === 'decided') throw conflict('review_already_decided', `item ${id} is decided already`);
      throw conflict('review_already_claimed', `item ${id} is claimed by someone else`);
    }
    return item;
  }

  /** Marks an item decided (from open or claimed); false when it was decided already. */
  async markDecided(id: string, decision: string, reason: string, actor: string): Promise<boolean> {
    const now = this.clock.now().toISOString();
    const r = await this.db
      .updateTable('manual_items')
      .set({ status: 'decided', open_key: null, decision, decision_reason: reason, decided_by: actor, decided_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '<>', 'decided')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  private async findLive(openKey: string): Promise<ManualItem | undefined> {
    const row = await this.db.selectFrom('manual_items').selectAll().where('open_key', '=', openKey).executeTakeFirst();
    return row ? toItem(row) : undefined;
  }
}

function toItem(r: ManualItemsTable): ManualItem {
  return {
    id: r.id,
    kind: r.kind as ManualItemKind,
    stage: r.stage as ManualItemStage,
    orderId: r.order_id,
    merchantId: r.merchant_id,
    status: r.status as ManualItemStatus,
    reason: r.reason,
    details: JSON.parse(r.details) as Record<string, unknown>,
    claimedBy: r.claimed_by,
    claimedAt: r.claimed_at,
    decision: r.decision,
    decisionReason: r.decision_reason,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    createdAt: r.created_at,
  };
}
