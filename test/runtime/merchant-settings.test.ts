import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { validateMerchantSettings } from '../../src/runtime/merchant-settings.js';

describe('merchant settings', () => {
  it('validates each section with its domain schema', () => {
    expect(validateMerchantSettings({ pricingPolicy: { kind: 'market', premium: 0.01 } }).pricingPolicy).toEqual({ kind: 'market', premium: 0.01 });
    expect(() => validateMerchantSettings({ pricingPolicy: { kind: 'dynamic', base: 0.2 } })).toThrow(/pricingPolicy/);
    expect(() => validateMerchantSettings({ colour: 'red' })).toThrow(/invalid_settings|Unrecognized|unrecognized/i);
    expect(() => validateMerchantSettings({ settlement: { cycle: 'monthly' } })).toThrow(/settlement/);
  });

  it('are shown and merged by the CLI', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-set-'));
    try {
      const env = { ...process.env, DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, CARDRECYCLE_DATA_DIR: dir, CARDRECYCLE_MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'error' };
      const cli = (...args: string[]) => spawnSync('node', ['bin/cardrecycle.js', ...args], { env, encoding: 'utf8' });
      const { merchantId } = JSON.parse(execFileSync('node', ['bin/cardrecycle.js', 'merchant', 'create', '--name', 'S', '--json'], { env, encoding: 'utf8' }));
      const set = cli('merchant', 'settings', '--merchant', merchantId, '--set', '{"settlement":{"cycle":"T1"},"pricingPolicy":{"kind":"fixed_discount","discount":0.1}}', '--json');
      expect(set.status).toBe(0);
      expect(JSON.parse(set.stdout)).toMatchObject({ settlement: { cycle: 'T1' }, pricingPolicy: { kind: 'fixed_discount', discount: 0.1 } });
      const bad = cli('merchant', 'settings', '--merchant', merchantId, '--set', '{"settlement":{"cycle":"hourly"}}');
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/^cardrecycle: invalid_settings: settlement/);
      const shown = JSON.parse(cli('merchant', 'settings', '--merchant', merchantId, '--json').stdout);
      expect(shown.settlement.cycle).toBe('T1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
