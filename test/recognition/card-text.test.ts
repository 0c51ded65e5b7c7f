import { describe, expect, it } from 'vitest';
import { maskPin, parseCardText } from '../../src/recognition/card-text.js';
import { applyPlatt, expectedCalibrationError, fitPlatt, fitTemperature, softmax } from '../../src/recognition/calibration.js';

describe('parseCardText', () => {
  it('takes no PIN from the printed line the card number was read on', () => {
    // Dev set 3, photo 00260 (ctcc: 19-digit card number, 18-digit PIN). One read of the card
    // number's line lost its first digit and slipped at another: 18 digits, read confidently and
    // weighing more, out of place, than the PIN's own line read at tesseract's confidence 0.
    const lines = [
      { text: '5014 9152 2569 9398 037', confidence: 0.9, yc: 0.51 },
      { text: '014 9152 2565 9398 037', confidence: 0.9, yc: 0.51 },
      { text: '975273162217260896', confidence: 0, yc: 0.81 },
    ];
    const r = parseCardText(lines, 'ctcc');
    expect(r.serial?.value).toBe('5014915225699398037');
    expect(r.pin?.value).toBe('975273162217260896');
    // Without the PIN's own line there is no PIN, rather than the card number's.
    expect(parseCardText(lines.slice(0, 2), 'ctcc').pin).toBeNull();
  });

  it('joins digit groups and assigns serial / PIN by the carrier lengths', () => {
    const lines = [
      { text: '100', confidence: 0.9 },
      { text: '1234 5678 9012 3456 7', confidence: 0.8 }, // 17 → cmcc serial
      { text: '1111 2222 3333 4444 55', confidence: 0.7 }, // 18 → cmcc PIN
    ];
    const r = parseCardText(lines, 'cmcc');
    expect(r.serial?.value).toBe('12345678901234567');
    expect(r.pin?.value).toBe('111122223333444455');
    expect(r.pin?.confidence).toBe(0.7);
  });

  it('uses each carrier format (cucc 15/19, ctcc 19/18) and full-width digits', () => {
    const cucc = parseCardText([{ text: '１２３４５６７８９０１２３４５', confidence: 0.9 }, { text: '9876543210987654321', confidence: 0.9 }], 'cucc');
    expect(cucc.serial?.value).toBe('123456789012345');
    expect(cucc.pin?.value).toBe('9876543210987654321');
    const ctcc = parseCardText([{ text: '1234567890123456789', confidence: 0.9 }], 'ctcc');
    expect(ctcc.serial?.value).toBe('1234567890123456789');
    expect(ctcc.pin).toBeNull();
  });

  it('finds the number when a stray digit sits next to it', () => {
    const r = parseCardText([{ text: '5 16831119099904152', confidence: 0.6 }], 'cmcc');
    expect(r.serial?.value).toBe('16831119099904152');
  });

  it('reads a 19-digit line by its place: below another number line it is a PIN, not a card number', () => {
    const nineteen = '9663475670791014477';
    // A cucc card whose 15-digit number was misread as 16 digits: only its 19-digit PIN, below it, is whole.
    const below = [{ text: '7666619484172222', confidence: 0.9, yc: 0.5 }, { text: nineteen, confidence: 0.9, yc: 0.7 }];
    const above = [{ text: nineteen, confidence: 0.9, yc: 0.5 }, { text: '7666619484172222', confidence: 0.9, yc: 0.7 }];
    const asSerialBelow = parseCardText(below, 'ctcc').serial;
    const asSerialAbove = parseCardText(above, 'ctcc').serial;
    expect(asSerialBelow?.value).toBe(nineteen);
    expect(asSerialBelow!.confidence).toBeCloseTo(asSerialAbove!.confidence * 0.2);
    expect(parseCardText(below, 'cucc').pin?.confidence).toBeCloseTo(0.9);
    expect(parseCardText(above, 'cucc').pin!.confidence).toBeCloseTo(0.9 * 0.2);
    // One printed line read twice (a panel and the chain inside it) is not "another line".
    const sameLine = [{ text: nineteen, confidence: 0.9, yc: 0.5 }, { text: '7666619484172222', confidence: 0.9, yc: 0.53 }];
    expect(parseCardText(sameLine, 'ctcc').serial?.confidence).toBeCloseTo(0.9);
  });

  it('mends a tesseract reading\'s 6 with another reading\'s 0, but keeps the line reader\'s 6', () => {
    // Dev set 4, photo 00040 (ctcc, 18-digit PIN): tesseract read the PIN's "6" as "0" on one of
    // its reads; the line reader read the whole PIN right.
    const tesseract = [{ text: '32738 07983 10596 577', confidence: 0.9, yc: 0.72 }, { text: '3273807983 10590 577', confidence: 0.5, yc: 0.72 }];
    expect(parseCardText(tesseract, 'ctcc').pin?.value).toBe('327380798310590577');
    const reader = { text: '327380798310596577', confidence: 1, yc: 0.72, reader: 'best' };
    expect(parseCardText([...tesseract, reader], 'ctcc').pin?.value).toBe('327380798310596577');
  });

  it('takes the line reader\'s 6 or 8 where tesseract\'s winning reading has a 0, and nothing else from it', () => {
    // Dev set 4, photo 00064 (ctcc, 18-digit PIN): tesseract read the last 6 as 0 more surely than
    // the line reader read the whole PIN right.
    const tesseract = { text: '3463 7104 5872 9499 90', confidence: 0.96, yc: 0.91 };
    const reader = { text: '346371045872949996', confidence: 0.87, yc: 0.91, reader: 'best' };
    expect(parseCardText([tesseract], 'ctcc').pin?.value).toBe('346371045872949990');
    expect(parseCardText([tesseract, reader], 'ctcc').pin?.value).toBe('346371045872949996');
    // A 9 for the 0, or a digit other than the 0 changed, is a disagreement the vote settles.
    for (const text of ['346371045872949999', '346371045872949980']) {
      expect(parseCardText([tesseract, { ...reader, text }], 'ctcc').pin?.value).toBe('346371045872949990');
    }
  });

  it('settles a slip between two readings by a part of the line read on its own', () => {
    // Dev set 2, photo 00017 (ctcc, 18-digit PIN): tesseract read the whole PIN with a 6 read as 8,
    // more surely than the line reader read it right; another row, part of the same panel, read
    // the disputed 6 with its neighbours but too few digits to vote.
    const whole = { text: '7344 4989 2089 7708 38', confidence: 0.91, yc: 0.99 };
    const reader = { text: '734449892069770838', confidence: 0.79, yc: 0.99, reader: 'best' };
    const part = { text: '4989 2069 7708 38', confidence: 0.95, yc: 0.99 };
    expect(parseCardText([whole, reader], 'ctcc').pin?.value).toBe('734449892089770838');
    expect(parseCardText([whole, reader, part], 'ctcc').pin?.value).toBe('734449892069770838');
    // A part holding both sides' digits around the slip (too short to reach it), or neither, takes no side.
    for (const text of ['4989 20', '1111 2222 3333']) {
      expect(parseCardText([whole, reader, { ...part, text }], 'ctcc').pin?.value).toBe('734449892089770838');
    }
    // Dev set 4, photo 00073 (cmcc): a slip in the first digit. A read with a panel edge's digit
    // more ("7145…") holds the wrong side's first digits ("1453…"): the ends are left to the vote.
    const pinReader = { text: '745356068660902299', confidence: 0.83, yc: 0.9, reader: 'best' };
    const pinTess = { text: '145356068660902299', confidence: 0.72, yc: 0.9 };
    const edged = { text: '7145356068660902299', confidence: 0.3, yc: 0.9 };
    expect(parseCardText([pinTess, pinReader, edged], 'cmcc').pin?.value).toBe('745356068660902299');
    // Readings further apart than two digits are not one print and a slip.
    const far = { ...reader, text: '734449892069111838' };
    expect(parseCardText([whole, far, { ...part, text: '4989 2069 1118 38' }], 'ctcc').pin?.value).toBe('734449892089770838');
  });

  it('masks all but the last four PIN digits', () => {
    expect(maskPin('123456789012345678')).toBe('**************5678');
  });
});

describe('calibration', () => {
  it('softmax sums to one and temperature flattens it', () => {
    const p = softmax([2, 1, 0]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(softmax([2, 1, 0], 3)[0]).toBeLessThan(p[0]);
  });

  it('fits T > 1 for over-confident logits and reduces ECE', () => {
    // Logits always say class 0 with huge margin, but class 0 is right only 70% of the time.
    const logits = Array.from({ length: 200 }, () => [8, 0, 0]);
    const labels = Array.from({ length: 200 }, (_, i) => (i % 10 < 7 ? 0 : 1));
    const t = fitTemperature(logits, labels);
    expect(t).toBeGreaterThan(2);
    const before = expectedCalibrationError(logits.map((l) => Math.max(...softmax(l))), labels.map((y) => y === 0));
    const after = expectedCalibrationError(logits.map((l) => Math.max(...softmax(l, t))), labels.map((y) => y === 0));
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThan(0.05);
  });
});

describe('temperature fit when every example is right', () => {
  it('sharpens to the search floor unless told what share of errors to expect', () => {
    const logits = Array.from({ length: 100 }, (_, i) => [2 + (i % 5) * 0.2, 0, -1]);
    const labels = logits.map(() => 0);
    expect(fitTemperature(logits, labels)).toBeLessThan(0.06);
    const t = fitTemperature(logits, labels, 0.005);
    expect(t).toBeGreaterThan(0.1);
    // At that temperature the top class keeps about 1 - 0.005 on average.
    const mean = logits.reduce((a, l) => a + softmax(l, t)[0], 0) / logits.length;
    expect(mean).toBeGreaterThan(0.98);
    expect(mean).toBeLessThan(0.9999);
  });
});

describe('confidence map (Platt scaling)', () => {
  it('stretches an under-confident score towards how often it is right, and lowers calibration error', () => {
    // Said 0.9 but right 49 times in 50; said 0.5 and right half the time.
    const conf = [...Array(50).fill(0.9), ...Array(20).fill(0.5)];
    const right = [...Array(49).fill(true), false, ...Array(10).fill(true), ...Array(10).fill(false)];
    const m = fitPlatt(conf, right);
    expect(applyPlatt(m, 0.9)).toBeGreaterThan(0.95);
    expect(applyPlatt(m, 0.5)).toBeGreaterThan(0.4);
    expect(applyPlatt(m, 0.5)).toBeLessThan(0.6);
    expect(expectedCalibrationError(conf.map((c) => applyPlatt(m, c)), right)).toBeLessThan(expectedCalibrationError(conf, right));
  });

  it('is the identity at a = 1, b = 0', () => {
    expect(applyPlatt({ a: 1, b: 0 }, 0.73)).toBeCloseTo(0.73);
  });
});
