import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { CarrierSimulator, VERIFY_JOB, carrierSimulatorRouter, createVerificationStack } from '../../src/verification/index.js';
import type { TestDatabase } from '../helpers/db.js';
import { FakeOrders, FakeQueue, silentLogger } from './fakes.js';
import { openTestDatabase as openIsolatedTestDatabase } from '../helpers/db.js';

describe('createVerificationStack (start-up wiring)', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openIsolatedTestDatabase('sqlite');
  });
  afterEach(async () => db.cleanup());

  const wire = (extra: Partial<Parameters<typeof createVerificationStack>[0]> = {}) => {
    const orders = new FakeOrders();
    const queue = new FakeQueue();
    const registry = new Registry();
    const stack = createVerificationStack({
      db: db.db, clock: new ManualClock(), logger: silentLogger, registry, orders, queue,
      pricer: async (o) => ({ quoteFen: o.denomination * 90, details: {} }),
      merchantSettings: async () => ({}),
      ...extra,
    });
    stack.registerJobs();
    return { orders, queue, registry, stack };
  };

  it('runs the dev profile on the in-process simulator and exports breaker metrics', async () => {
    const { orders, queue, registry, stack } = wire();
    expect(stack.simulator).toBeDefined();
    const o = orders.add({ cardPin: '123456789012345678' });
    await queue.add(VERIFY_JOB, { orderId: o.id }, { jobId: `verify:${o.id}` });
    await queue.runAll();
    expect((await orders.get(o.id))!.status).toBe('priced');
    const text = await registry.metrics();
    expect(text).toContain('cardrecycle_carrier_breaker_state{carrier="cmcc",channel="primary"} 0');
    expect(text).toContain('cardrecycle_carrier_error_rate{carrier="cmcc",channel="backup"} 0');
  });

  it('talks to a carrier gateway over HTTP when a carrier URL is configured', async () => {
    const sim = new CarrierSimulator();
    const app = express();
    app.use(carrierSimulatorRouter({ simulator: sim, secret: 'gw-secret', clock: systemClock, basePath: '/sim/carrier' }));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sim/carrier`;
      const { orders, queue, stack } = wire({ carrierUrl: url, carrierSecret: 'gw-secret', clock: systemClock });
      expect(stack.simulator).toBeUndefined();
      const o = orders.add({ cardPin: '123456789012340000' });
      await queue.add(VERIFY_JOB, { orderId: o.id }, { jobId: `verify:${o.id}` });
      await queue.runAll();
      expect(await orders.get(o.id)).toMatchObject({ status: 'rejected', reason: 'card_used' });
      expect(sim.statsFor('primary').calls).toBe(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
