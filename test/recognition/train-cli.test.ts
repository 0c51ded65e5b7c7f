import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { registerRecognitionCommands } from '../../src/cli/commands/recognition.js';
import type { TrainAndGateOptions, TrainReport } from '../../training/recognition/train-and-gate.js';

// The run itself takes an hour: the command's wiring is tested against a stand-in that records what it was asked.
const asked: TrainAndGateOptions[] = [];
let promote = true;
vi.mock('../../training/recognition/train-and-gate.js', () => ({
  HARD_GATE: 0.98,
  trainAndGate: async (o: TrainAndGateOptions): Promise<Partial<TrainReport>> => {
    asked.push(o);
    const gatedOn = o.gateOcr === false ? 'classifier' : 'pipeline';
    return {
      version: 'recog-test', serving: 'two-stage', promoted: promote, outDir: o.outDir, wallClockSeconds: 1, gatedOn,
      gatedAccuracy: gatedOn === 'pipeline' ? 0.9875 : 0.3775, hardClassifierOnly: { accuracy: 0.3775 } as TrainReport['hardClassifierOnly'],
      ...(gatedOn === 'pipeline' ? { hardPipeline: { accuracy: 0.9875 } as TrainReport['hardPipeline'] } : {}),
    };
  },
}));

function program() {
  const p = new Command().exitOverride();
  registerRecognitionCommands(p, { train: p.command('train'), eval: p.command('eval') });
  return p;
}

async function train(args: string[]): Promise<{ out: string; error?: Error }> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  try {
    await program().parseAsync(['train', 'recognition', '--out', '/nonexistent/model', '--json', ...args], { from: 'user' });
    return { out: out.join('') };
  } catch (e) {
    return { out: out.join(''), error: e as Error };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => { asked.length = 0; promote = true; });

describe('cardrecycle train recognition: the gate', () => {
  it('gates on the served pipeline with OCR by default', async () => {
    const { out, error } = await train([]);
    expect(error).toBeUndefined();
    expect(asked[0]).toMatchObject({ gate: true, gateOcr: true, outDir: '/nonexistent/model' });
    expect(JSON.parse(out)).toMatchObject({ gatedOn: 'pipeline', promoted: true });
  });

  it('gates on the classifier alone with --no-gate-ocr, and keeps the gate itself', async () => {
    await train(['--no-gate-ocr']);
    expect(asked[0]).toMatchObject({ gate: true, gateOcr: false });
  });

  it('fails naming the gate it missed when the model is not promoted', async () => {
    promote = false;
    const { error } = await train(['--no-gate-ocr']);
    expect(error?.message).toMatch(/classifier alone\) 0\.3775 is below the 0\.98 gate/);
    const second = await train([]);
    expect(second.error?.message).toMatch(/served pipeline with OCR\) 0\.9875/);
  });

  it('--no-gate keeps the model and still measures the pipeline', async () => {
    await train(['--no-gate']);
    expect(asked[0]).toMatchObject({ gate: false, gateOcr: true });
  });
});
