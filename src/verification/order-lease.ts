import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Db } from '../store/database.js';
import { precompile } from '../store/precompiled.js';
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
 * lease makes them take turns. The holder renews it every third of its length while it works, so
 * it can be short: a killed holder's lease expires within seconds, before the queue hands its job
 * to another worker (and long before that job runs out of attempts on OrderBusyError).
 */
export class OrderLeases {
  private readonly db;
  // Taken and given back once per order: compiled once.
  private readonly take;
  private readonly giveBack;
  constructor(db: Db, private readonly clock: Clock, private readonly leaseMs = 10_000) {
    const vdb = (this.db = db.withTables<VerificationTables>());
    // A row comes back only when this call inserted the lease or took over an expired one.
    this.take = precompile(vdb, 4, ([orderId, owner, expires, now]) =>
      vdb.insertInto('verification_leases')
        .values({ order_id: orderId!, owner: owner!, expires_at: expires! })
        .onConflict((oc) => oc.column('order_id').doUpdateSet({ owner: owner!, expires_at: expires! }).where('verification_leases.expires_at', '<', now!))
        .returning('owner'));
    this.giveBack = precompile(vdb, 2, ([orderId, owner]) =>
      vdb.deleteFrom('verification_leases').where('order_id', '=', orderId!).where('owner', '=', owner!));
  }

  async withLease<T>(orderId: string, fn: () => Promise<T>): Promise<T> {
    const owner = randomBytes(8).toString('hex');
    const now = this.clock.now();
    const expires = new Date(now.getTime() + this.leaseMs).toISOString();
    const [row] = await this.take(orderId, owner, expires, now.toISOString());
    if (row?.owner !== owner) throw new OrderBusyError(orderId);
    const renew = setInterval(() => {
      const until = new Date(this.clock.now().getTime() + this.leaseMs).toISOString();
      this.db.updateTable('verification_leases').set({ expires_at: until }).where('order_id', '=', orderId).where('owner', '=', owner).execute()
        .catch(() => undefined); // a failed renewal only risks a duplicate run, which the steps tolerate
    }, this.leaseMs / 3);
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.giveBack(orderId, owner);
    }
  }
}
