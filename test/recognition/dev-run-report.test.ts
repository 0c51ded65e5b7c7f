import { describe, expect, it } from 'vitest';
import { compareRuns, pinMiss, pinMisses, reparsed, scored, summarise, type DevRecord } from '../../training/recognition/dev-run-report.js';

const truth = { carrier: 'cmcc' as const, denomination: 50 as const, serial: '12345678901234567', pin: '111122223333444455', pinOccluded: false };
type Read = NonNullable<DevRecord['read']>;
const read = (over: Partial<Read> = {}, texts: string[] = []): Read => ({
  carrier: 'cmcc', denomination: 50, confidence: 0.97, needsReview: false, serial: truth.serial, pin: truth.pin,
  ocrReads: texts.map((text, row) => ({ text, confidence: 0.5, row, yc: 0.5, glyphs: 18, onCard: true, relHeight: 0.05 })), ...over,
});

describe('development run report', () => {
  it('scores face value, card number and revealed PIN, leaving out covered PINs and failed photos’ fields', () => {
    const covered: DevRecord = { file: 'b.jpg', truth: { ...truth, pinOccluded: true }, read: read({ pin: null }) };
    const failed: DevRecord = { file: 'c.jpg', truth, error: 'not an image' };
    expect(scored(covered, 'pin')).toBeNull();
    expect(scored(failed, 'faceValue')).toBe(false);
    expect(scored(failed, 'pin')).toBe(false);
    const s = summarise([{ file: 'a.jpg', truth, read: read() }, covered, failed]);
    expect(s.right).toEqual({ faceValue: 2, serial: 2, pin: 1 });
    expect(s.of).toEqual({ faceValue: 3, serial: 3, pin: 2 });
    expect(s.failures).toBe(1);
  });

  it('names the wrong face values that were not flagged for review', () => {
    const s = summarise([
      { file: 'flagged.jpg', truth, read: read({ denomination: 500, needsReview: true }) },
      { file: 'unflagged.jpg', truth, read: read({ denomination: 500 }) },
    ]);
    expect(s.confidentlyWrong).toEqual(['unflagged.jpg']);
  });

  it('names the photos not flagged for review whose PIN is wrong or made up, not those whose PIN is covered', () => {
    const unrevealed = { ...truth, pin: null };
    const s = summarise([
      { file: 'right.jpg', truth, read: read() },
      { file: 'wrong.jpg', truth, read: read({ pin: '999999999999999999' }) },
      { file: 'wrong-flagged.jpg', truth, read: read({ pin: '999999999999999999', needsReview: true }) },
      { file: 'made-up.jpg', truth: unrevealed, read: read({ pin: '999999999999999999' }) },
      { file: 'none-given.jpg', truth: unrevealed, read: read({ pin: null }) },
      { file: 'covered.jpg', truth: { ...truth, pinOccluded: true }, read: read({ pin: '999999999999999999' }) },
    ]);
    expect(s.pinsWrongUnflagged).toEqual(['wrong.jpg', 'made-up.jpg']);
  });

  it('lists the photos a change moved, field by field', () => {
    const base: DevRecord[] = [{ file: 'a.jpg', truth, read: read({ pin: null }) }, { file: 'b.jpg', truth, read: read() }];
    const next: DevRecord[] = [{ file: 'a.jpg', truth, read: read() }, { file: 'b.jpg', truth, read: read({ denomination: 20 }) }];
    expect(compareRuns(base, next)).toEqual([{ file: 'a.jpg', field: 'pin', gained: true }, { file: 'b.jpg', field: 'faceValue', gained: false }]);
  });

  it('parses a record’s card number and PIN again from its reads, leaving the value reader’s out', () => {
    // The card number printed above the PIN, as on every card.
    const lines = read({}, ['1234 5678 9012 3456 7', '1111 2222 3333 4444 55']).ocrReads.map((o, i) => ({ ...o, yc: 0.4 + 0.2 * i }));
    const r: DevRecord = { file: 'a.jpg', truth, read: read({ serial: null, pin: null, ocrReads: lines }) };
    expect(reparsed(r).read).toMatchObject({ serial: truth.serial, pin: truth.pin, needsReview: false });
    expect(compareRuns([r], [reparsed(r)])).toEqual([{ file: 'a.jpg', field: 'serial', gained: true }, { file: 'a.jpg', field: 'pin', gained: true }]);
    const valueOnly: DevRecord = { ...r, read: { ...r.read!, ocrReads: r.read!.ocrReads.map((o) => ({ ...o, reader: 'value' as const })) } };
    expect(reparsed(valueOnly).read).toMatchObject({ serial: null, pin: null });
    const failed: DevRecord = { file: 'c.jpg', truth, error: 'not an image' };
    expect(reparsed(failed)).toBe(failed);
  });

  it('sorts missed PINs by what the reads held', () => {
    const miss = (texts: string[]): DevRecord => ({ file: 'x.jpg', truth, read: read({ pin: '999999999999999999' }, texts) });
    expect(pinMiss(miss(['1111 2222 3333 4444 55']))).toBe('read, outvoted');
    expect(pinMiss(miss(['71111222233334444551']))).toBe('inside a longer read');
    expect(pinMiss(miss(['111122223333444456']))).toBe('one edit away');
    expect(pinMiss(miss(['111122220333444466']))).toBe('two or three edits away');
    expect(pinMiss(miss(['20', '3']))).toBe('never read');
    expect(pinMiss({ file: 'ok.jpg', truth, read: read() })).toBeNull();
    const kinds = pinMisses([miss(['20']), { ...miss([]), read: read({ pin: null, serial: null }) }]);
    expect(kinds).toEqual([{ kind: 'never read', serialRight: 1, serialWrong: 1, files: ['x.jpg', 'x.jpg'] }]);
  });
});
