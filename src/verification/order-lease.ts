import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Db } from '../store/database.js';
import type { VerificationTables } from './tables.js';

/** Another worker holds the order: transient, the queue retries later (and then finds the work done). */
export class OrderBusyError extends Error {
  constructor(orderId: string) {
    super(`order ${orderId} is being processed by another worker`);
    this.name = 'OrderBusyError';
  }
}

/**
 * Per-order lease in the database. Queues deliver at least once and the transitions table allows
 * `verifying → verifying`, so two deliveries running side by side could both move the order; the
 * lease makes them take turns. A crashed holder's lease simply expires.
 */
export class OrderLeases {
  private readonly db;
  constructor(db: Db, private readonly clock: Clock, private readonly leaseMs = 120_000) {
    this.db = db.withTables<VerificationTables>();
  }

  async withLease<T>(orderId: string, fn: () => Promise<T>): Promise<T> {
    const owner = randomBytes(8).toString('hex');
    const now = this.clock.now();
    const expires = new Date(now.getTime() + this.leaseMs).toISOString();
    await this.db
      .insertInto('verification_leases')
      .values({ order_id: orderId, owner, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('order_id')
          .doUpdateSet({ owner, expires_at: expires })
          .where('verification_leases.expires_at', '<', now.toISOString()),
      )
      .execute();
    const row = await this.db.selectFrom('verification_leases').select('owner').where('order_id', '=', orderId).executeTakeFirst();
    if (row?.owner !== owner) throw new OrderBusyError(orderId);
    try {
      return await fn();
    } finally {
      await this.db.deleteFrom('verification_leases').where('order_id', '=', orderId).where('owner', '=', owner).execute();
    }
  }
}
