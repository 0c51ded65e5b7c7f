/**
 * Merchant webhooks for every order status change: one delivery row per (event, url) — its
 * `dlv_` id travels in `CR-Delivery-Id` so receivers de-duplicate — sent by `webhook.deliver`
 * jobs and re-scheduled as delayed jobs on WeChat Pay's schedule until a 2xx or ~24 h.
 */
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { JobQueue } from '../queue/types.js';
import type { Db } from '../store/database.js';
import { sdb } from '../settlement/tables.js';
import { eventIdOf, publicEvent, type OrderEvent } from './order-event.js';
import { nextDelayMs } from './retry-schedule.js';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

export const WEBHOOK_JOB = 'webhook.deliver';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}
export type WebhookSender = (req: WebhookRequest) => Promise<{ status: number }>;

export const fetchSender =
  (timeoutMs = 10_000): WebhookSender =>
  async (req) => {
    const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status };
  };

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  queue: JobQueue;
  /** The merchant's webhook signing secret; undefined → the merchant gets no webhooks. */
  secretFor(merchantId: string): Promise<string | undefined>;
  /** Fallback endpoint when the order has no notifyUrl (merchant setting `webhookUrl`). */
  defaultUrlFor?(merchantId: string): Promise<string | undefined>;
  send?: WebhookSender;
  logger?: Logger;
}

export interface WebhookJobData {
  deliveryId: string;
  attempt: number;
}

export type DeliveryOutcome = 'delivered' | 'retry_scheduled' | 'exhausted' | 'skipped';

export class WebhookDispatcher {
  private readonly send: WebhookSender;
  constructor(private readonly d: WebhookDeps) {
    this.send = d.send ?? fetchSender();
  }

  /** The merchant's fallback webhook endpoint, if any. */
  async defaultUrl(merchantId: string): Promise<string | undefined> {
    return this.d.defaultUrlFor?.(merchantId);
  }

  /** Records the delivery and queues its first attempt. Idempotent per (event, url). */
  async enqueue(event: OrderEvent): Promise<string | undefined> {
    const url = event.notifyUrl || (await this.d.defaultUrlFor?.(event.merchantId));
    if (!url) return undefined;
    const db = sdb(this.d.db);
    const eventId = eventIdOf(event);
    const now = this.d.clock.now();
    await db.insertInto('webhook_deliveries').values({
      id: newId('dlv', now.getTime()), event_id: eventId, merchant_id: event.merchantId, order_id: event.orderId, url,
      payload: JSON.stringify(publicEvent(event)), status: 'pending', attempts: 0, last_status_code: null, last_error: null,
      next_attempt_at: now.toISOString(), created_at: now.toISOString(), delivered_at: null,
    }).onConflict((oc) => oc.columns(['event_id', 'url']).doNothing()).execute();
    const row = await db.selectFrom('webhook_deliveries').select('id').where('event_id', '=', eventId).where('url', '=', url).executeTakeFirstOrThrow();
    await this.d.queue.add<WebhookJobData>(WEBHOOK_JOB, { deliveryId: row.id, attempt: 1 }, { jobId: `${WEBHOOK_JOB}-${row.id}-1`, attempts: 3, backoffMs: 1000 });
    return row.id;
  }

  /** One attempt. Failures are not thrown: the next attempt is its own delayed job. */
  async deliver(data: WebhookJobData): Promise<DeliveryOutcome> {
    const db = sdb(this.d.db);
    const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', data.deliveryId).executeTakeFirst();
    if (!row || row.status !== 'pending' || row.attempts >= data.attempt) return 'skipped';
    const secret = await this.d.secretFor(row.merchant_id);
    if (!secret) {
      await db.updateTable('webhook_deliveries').set({ status: 'exhausted', last_error: 'no webhook secret' }).where('id', '=', row.id).execute();
      return 'skipped';
    }
    const now = this.d.clock.now();
    let status = 0;
    let error: string | null = null;
    try {
      ({ status } = await this.send({
        url: row.url,
        body: row.payload,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'cardrecycle-webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(secret, row.payload, now),
          'CR-Delivery-Id': row.id,
          'CR-Event-Id': row.event_id,
          'CR-Attempt': String(data.attempt),
        },
      }));
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 300);
    }
    if (status >= 200 && status < 300) {
      await db.updateTable('webhook_deliveries').set({ status: 'delivered', attempts: data.attempt, last_status_code: status, last_error: null, next_attempt_at: null, delivered_at: now.toISOString() })
        .where('id', '=', row.id).execute();
      return 'delivered';
    }
    const delay = nextDelayMs(data.attempt);
    const next = delay === undefined ? null : new Date(now.getTime() + delay).toISOString();
    await db.updateTable('webhook_deliveries').set({
      status: delay === undefined ? 'exhausted' : 'pending', attempts: data.attempt, last_status_code: status || null, last_error: error ?? `HTTP ${status}`, next_attempt_at: next,
    }).where('id', '=', row.id).execute();
    if (delay === undefined) {
      this.d.logger?.warn({ deliveryId: row.id, url: row.url }, 'webhook delivery gave up');
      return 'exhausted';
    }
    const attempt = data.attempt + 1;
    await this.d.queue.add<WebhookJobData>(WEBHOOK_JOB, { deliveryId: row.id, attempt }, { jobId: `${WEBHOOK_JOB}-${row.id}-${attempt}`, delayMs: delay, attempts: 3, backoffMs: 1000 });
    return 'retry_scheduled';
  }

  registerJobs(queue: JobQueue): void {
    queue.process<WebhookJobData>(WEBHOOK_JOB, async (data) => {
      await this.deliver(data);
    }, { concurrency: 8 });
  }
}
