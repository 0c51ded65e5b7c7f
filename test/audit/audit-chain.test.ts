import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { AUDIT_HEAD_KEY_ID, appendAudit, auditHeadMac, verifyAuditChain } from '../../src/audit/audit-log.js';
import { Envelope } from '../../src/security/envelope.js';
import { buildKeyRing, masterKeyFromBase64 } from '../../src/security/master-keys.js';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../helpers/db.js';

async function seed(t: TestDatabase, n: number, headKey?: Buffer) {
  for (let i = 0; i < n; i++) {
    await t.db.transaction().execute((trx) =>
      appendAudit(trx, t.dialect, { entityType: 'order', entityId: `ord_${i}`, action: 'status:received->validated', payload: { i }, actor: 'test', at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }, headKey),
    );
  }
}

describe.each(BACKENDS)('audit chain (%s)', (backend) => {
  let t: TestDatabase;
  afterEach(async () => t?.cleanup());

  it('verifies an untouched chain', async () => {
    t = await openTestDatabase(backend);
    await seed(t, 20);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, rows: 20 });
  });

  it('stays a chain under concurrent appends', async () => {
    t = await openTestDatabase(backend);
    await Promise.all(Array.from({ length: 4 }, () => seed(t, 10)));
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, rows: 40 });
  });

  it('detects an edited row', async () => {
    t = await openTestDatabase(backend);
    await seed(t, 10);
    await sql`update audit_log set payload = '{"i":99}' where seq = 5`.execute(t.db);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, broken: { seq: 5, problem: 'edited' } });
  });

  it('detects a deleted row', async () => {
    t = await openTestDatabase(backend);
    await seed(t, 10);
    await sql`delete from audit_log where seq = 4`.execute(t.db);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, broken: { seq: 4 } });
  });

  it('detects reordered rows', async () => {
    t = await openTestDatabase(backend);
    await seed(t, 10);
    // Swap the contents of rows 3 and 4, keeping the sequence numbers.
    await sql`update audit_log set seq = -3 where seq = 3`.execute(t.db);
    await sql`update audit_log set seq = 3 where seq = 4`.execute(t.db);
    await sql`update audit_log set seq = 4 where seq = -3`.execute(t.db);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, broken: { seq: 3 } });
  });

  it('a rewritten row with a recomputed hash still breaks its successor', async () => {
    t = await openTestDatabase(backend);
    await seed(t, 10);
    const { auditHash } = await import('../../src/audit/audit-log.js');
    const row = await t.db.selectFrom('audit_log').selectAll().where('seq', '=', 6).executeTakeFirstOrThrow();
    const forged = { ...row, seq: Number(row.seq), payload: '{"i":"forged"}' };
    const { hash: _h, ...rest } = forged;
    await t.db.updateTable('audit_log').set({ payload: forged.payload, hash: auditHash(rest) }).where('seq', '=', 6).execute();
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, broken: { seq: 7, problem: 'deleted_or_reordered' } });
  });

  describe('with the keyed head', () => {
    const key = randomBytes(32);

    it('verifies an untouched chain, also under concurrent appends', async () => {
      t = await openTestDatabase(backend);
      await Promise.all(Array.from({ length: 3 }, () => seed(t, 5, key)));
      expect(await verifyAuditChain(t.db, { headKey: key })).toEqual({ ok: true, rows: 15 });
    });

    it('detects deleted newest rows, which leave a valid chain behind', async () => {
      t = await openTestDatabase(backend);
      await seed(t, 10, key);
      await sql`delete from audit_log where seq > 7`.execute(t.db);
      expect(await verifyAuditChain(t.db)).toEqual({ ok: true, rows: 7 });
      expect(await verifyAuditChain(t.db, { headKey: key })).toMatchObject({ ok: false, broken: { seq: 8, problem: 'truncated' } });
    });

    it('detects a head rewritten without the key, or rolled back with the tail', async () => {
      t = await openTestDatabase(backend);
      await seed(t, 10, key);
      const old = await t.db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', '=', 7).executeTakeFirstOrThrow();
      await sql`delete from audit_log where seq > 7`.execute(t.db);
      await t.db.updateTable('audit_head').set({ seq: 7, hash: old.hash, mac: auditHeadMac(randomBytes(32), 7, old.hash) }).execute();
      expect(await verifyAuditChain(t.db, { headKey: key })).toMatchObject({ ok: false, broken: { problem: 'head_forged' } });
      await seed(t, 1, key); // seq 8 again, a valid head; now delete the head row itself
      await sql`delete from audit_head`.execute(t.db);
      expect(await verifyAuditChain(t.db, { headKey: key })).toMatchObject({ ok: false, broken: { problem: 'head_missing' } });
    });
  });
});

describe('cardrecycle audit verify (CLI)', () => {
  it('exits 0 on an intact chain and non-zero after tampering', async () => {
    const t = await openTestDatabase('sqlite');
    try {
      // The head key as the CLI will find it: a named data key under this master key.
      const masterKey = randomBytes(32).toString('base64');
      const envelope = new Envelope({ db: t.db, keyRing: buildKeyRing(masterKeyFromBase64(masterKey)), now: () => new Date() });
      await seed(t, 5, await envelope.namedKey(AUDIT_HEAD_KEY_ID));
      const env = { ...process.env, DATABASE_URL: t.url, CARDRECYCLE_DATA_DIR: t.url.slice('file:'.length, -'test.db'.length), CARDRECYCLE_MASTER_KEY: masterKey, LOG_LEVEL: 'error' };
      const ok = JSON.parse(execFileSync('node', ['bin/cardrecycle.js', 'audit', 'verify', '--json'], { env, encoding: 'utf8' }));
      expect(ok).toEqual({ ok: true, rows: 5 });
      await sql`update audit_log set actor = 'mallory' where seq = 2`.execute(t.db);
      const bad = spawnSync('node', ['bin/cardrecycle.js', 'audit', 'verify', '--json'], { env, encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, broken: { seq: 2, problem: 'edited' } });
      await sql`update audit_log set actor = 'test' where seq = 2`.execute(t.db);
      await sql`delete from audit_log where seq = 5`.execute(t.db);
      const cut = spawnSync('node', ['bin/cardrecycle.js', 'audit', 'verify', '--json'], { env, encoding: 'utf8' });
      expect(cut.status).toBe(1);
      expect(JSON.parse(cut.stdout)).toMatchObject({ ok: false, broken: { seq: 5, problem: 'truncated' } });
    } finally {
      await t.cleanup();
    }
  });
});
