import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerPricingCommands } from '../../src/cli/commands/pricing.js';
import { holdoutStart } from '../../src/pricing/evaluate.js';

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  const train = program.command('train');
  const evalGroup = program.command('eval');
  registerPricingCommands(program, { train, eval: evalGroup });
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    await program.parseAsync(['node', 'cardrecycle', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('pricing CLI', () => {
  it('eval pricing --json reports fractions for the model and the three baselines', async () => {
    // Two series from the committed data, written as a separate CSV.
    const lines = readFileSync('datasets/quotes.csv', 'utf8').trim().split('\n');
    const subset = [lines[0], ...lines.slice(1).filter((l) => l.includes(',cucc,20,') || l.includes(',ctcc,300,'))];
    const file = join(mkdtempSync(join(tmpdir(), 'pricing-cli-')), 'q.csv');
    writeFileSync(file, subset.join('\n') + '\n');
    const doc = JSON.parse(await run(['eval', 'pricing', '--data', file, '--json']));
    expect(doc.n).toBe(2 * (731 - holdoutStart(731))); // 2 × 146 one-step targets
    expect(doc.mape).toBeGreaterThan(0);
    expect(doc.mape).toBeLessThan(0.05);
    for (const k of ['naive', 'seasonalNaive', 'ewma']) expect(doc.baselines[k]).toEqual({ mape: expect.any(Number), mae: expect.any(Number) });
    expect(doc.coverage80).toBeGreaterThan(0.5);
    expect(doc.coverage80).toBeLessThanOrEqual(1);
  });

  it('forecast --json gives horizon points', async () => {
    const doc = JSON.parse(await run(['forecast', '--carrier', 'cmcc', '--denomination', '100', '--horizon', '3', '--json']));
    expect(doc.points).toHaveLength(3);
    expect(doc.modelVersion).toMatch(/^pricing-lstm-/);
  });

  it('rejects an unknown carrier with a stable code', async () => {
    await expect(run(['forecast', '--carrier', 'nope', '--denomination', '100', '--json'])).rejects.toMatchObject({ code: 'invalid_carrier' });
  });

  it('rejects a CSV with a non-positive price', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pricing-cli-')), 'bad.csv');
    writeFileSync(file, 'date,carrier,denomination,price\n2024-01-01,cmcc,100,0\n');
    await expect(run(['eval', 'pricing', '--data', file, '--json'])).rejects.toMatchObject({ code: 'invalid_csv' });
  });
});
