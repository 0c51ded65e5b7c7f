import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import {
  CarrierPermanentError,
  CarrierSimulator,
  CarrierTransientError,
  CarrierUnavailableError,
  HttpCarrierAdapter,
  MemoryVerificationCache,
  VerificationService,
  carrierSimulatorRouter,
  createVerificationMetrics,
  type CarrierAdapter,
} from '../../src/verification/index.js';
import { silentLogger } from './fakes.js';

const req = (pin: string, denomination = 100) => ({ carrier: 'cmcc', cardNumber: '12345678901234567', cardPin: pin, denomination, requestId: 'ord_x' });
const pinEnding = (last4: string) => `12345678901234${last4}`;

function service(primary: CarrierAdapter, backup: CarrierAdapter | undefined, resilience = {}) {
  return new VerificationService({
    channels: { default: { primary, backup } },
    cache: new MemoryVerificationCache(systemClock),
    metrics: createVerificationMetrics(new Registry()),
    logger: silentLogger,
    resilience: { timeoutMs: 50, maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, ...resilience },
  });
}

describe('carrier simulator test cards', () => {
  it('decides by the last four PIN digits', async () => {
    const sim = new CarrierSimulator();
    const ch = sim.channel('primary');
    expect(await ch.verify(req(pinEnding('0000')))).toEqual({ outcome: 'used' });
    expect(await ch.verify(req(pinEnding('1111')))).toEqual({ outcome: 'invalid' });
    expect(await ch.verify(req(pinEnding('2222'), 100))).toEqual({ outcome: 'denomination_mismatch', actualDenomination: 50 });
    expect(await ch.verify(req(pinEnding('5678')))).toEqual({ outcome: 'valid', actualDenomination: 100 });
    await expect(ch.verify(req(pinEnding('4444')))).rejects.toBeInstanceOf(CarrierTransientError);
  });

  it('3333 times out once (until aborted) then answers', async () => {
    const sim = new CarrierSimulator({ hangMs: 60_000 });
    const ch = sim.channel('primary');
    const abort = new AbortController();
    const first = ch.verify(req(pinEnding('3333')), abort.signal);
    setTimeout(() => abort.abort(), 5);
    await expect(first).rejects.toMatchObject({ code: 'carrier_timeout' });
    expect(await ch.verify(req(pinEnding('3333')))).toMatchObject({ outcome: 'valid' });
  });
});

describe('resilience stack', () => {
  it('retries transient errors and timeouts inside the channel', async () => {
    const sim = new CarrierSimulator({ hangMs: 60_000 });
    const svc = service(sim.channel('primary'), sim.channel('backup'));
    expect(await svc.verify(req(pinEnding('4444')), 'fp4')).toMatchObject({ outcome: 'valid', source: 'primary' });
    expect(await svc.verify(req(pinEnding('3333')), 'fp3')).toMatchObject({ outcome: 'valid', source: 'primary' });
    expect(sim.statsFor('primary')).toMatchObject({ transientErrors: 2, timeouts: 1 });
    expect(sim.statsFor('backup').calls).toBe(0);
  });

  it('answers a repeated card from the cache, keyed by fingerprint', async () => {
    const sim = new CarrierSimulator();
    const svc = service(sim.channel('primary'), undefined);
    await svc.verify(req(pinEnding('5678')), 'fp-a');
    expect(await svc.verify(req(pinEnding('5678')), 'fp-a')).toMatchObject({ outcome: 'valid', source: 'cache' });
    expect(sim.statsFor('primary').calls).toBe(1);
    await svc.verify(req(pinEnding('5678')), 'fp-a', { bypassCache: true });
    expect(sim.statsFor('primary').calls).toBe(2);
    // Another order of the same card is asked afresh: the card may have been used meanwhile.
    expect(await svc.verify({ ...req(pinEnding('5678')), requestId: 'ord_y' }, 'fp-a')).toMatchObject({ source: 'primary' });
  });

  it('fails over to the backup, and reports unavailable when both fail', async () => {
    const sim = new CarrierSimulator({ channels: { primary: { transientErrorRate: 1 } } });
    const svc = service(sim.channel('primary'), sim.channel('backup'));
    expect(await svc.verify(req(pinEnding('5678')), 'fp-b')).toMatchObject({ source: 'backup' });
    sim.setFaults('backup', { transientErrorRate: 1 });
    await expect(svc.verify(req(pinEnding('5679')), 'fp-c')).rejects.toBeInstanceOf(CarrierUnavailableError);
  });
});

describe('HTTP carrier adapter against the simulator router (loopback)', () => {
  const sim = new CarrierSimulator({ hangMs: 60_000 });
  let base = '';
  let server: ReturnType<express.Express['listen']>;
  beforeAll(async () => {
    const app = express();
    app.use('/sim/carrier', carrierSimulatorRouter({ simulator: sim, secret: 's3cret', clock: systemClock }));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sim/carrier`;
  });
  afterAll(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));

  it('signs requests and maps the answers', async () => {
    const adapter = new HttpCarrierAdapter({ baseUrl: `${base}/primary`, secret: 's3cret', clock: systemClock });
    expect(await adapter.verify(req(pinEnding('2222'), 50))).toEqual({ outcome: 'denomination_mismatch', actualDenomination: 30 });
    await expect(adapter.verify(req(pinEnding('4444')))).rejects.toBeInstanceOf(CarrierTransientError);
    const wrongKey = new HttpCarrierAdapter({ baseUrl: `${base}/primary`, secret: 'nope', clock: systemClock });
    await expect(wrongKey.verify(req(pinEnding('5678')))).rejects.toBeInstanceOf(CarrierPermanentError);
  });

  it('times out a hanging carrier through the resilience stack and retries', async () => {
    const adapter = new HttpCarrierAdapter({ baseUrl: `${base}/primary`, secret: 's3cret', clock: systemClock });
    const svc = service(adapter, undefined, { timeoutMs: 200 });
    const started = Date.now();
    expect(await svc.verify({ ...req(pinEnding('3333')), cardNumber: '99999999999999999' }, 'fp-http')).toMatchObject({ outcome: 'valid' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
