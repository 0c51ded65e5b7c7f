import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { appendAudit, verifyAuditChain } from '../../src/audit/audit-log.js';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../helpers/db.js';

async function seed(t: TestDatabase, n: number) {
  for (let i = 0; i < n; i++) {
    await t.db.transaction().execute((trx) =>
      appendAudit(trx, t.dialect, { entityType: 'order', entityId: `ord_${i}`, action: 'status:received->validated', payload: { i }, actor: 'test', at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }),
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
});

describe('cardrecycle audit verify (CLI)', () => {
  it('exits 0 on an intact chain and non-zero after tampering', async () => {
    const t = await openTestDatabase('sqlite');
    try {
      await seed(t, 5);
      const env = { ...process.env, DATABASE_URL: t.url, CARDRECYCLE_DATA_DIR: '/tmp' };
      const ok = JSON.parse(execFileSync('node', ['bin/cardrecycle.js', 'audit', 'verify', '--json'], { env, encoding: 'utf8' }));
      expect(ok).toEqual({ ok: true, rows: 5 });
      await sql`update audit_log set actor = 'mallory' where seq = 2`.execute(t.db);
      const bad = spawnSync('node', ['bin/cardrecycle.js', 'audit', 'verify', '--json'], { env, encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, broken: { seq: 2, problem: 'edited' } });
    } finally {
      await t.cleanup();
    }
  });
});
