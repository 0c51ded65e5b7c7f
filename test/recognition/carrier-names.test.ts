import { describe, expect, it } from 'vitest';
import { carrierNamed } from '../../src/recognition/carrier-names.js';
import { fuseWithText } from '../../src/recognition/text-fusion.js';
import { parseCardText } from '../../src/recognition/card-text.js';
import { CARRIERS, DENOMINATIONS, type Carrier } from '../../src/recognition/classes.js';

const read = (...texts: string[]) => texts.map((text) => ({ text, confidence: 0.5 }));

describe('the carrier name printed on the card', () => {
  it('names the carrier from its English name with one letter misread', () => {
    expect(carrierNamed(read('SN RENE wnt', 'CHINA MOBRLE', 'LL a'))).toBe('cmcc');
    expect(carrierNamed(read('China Unicon', 'Unicom Card'))).toBe('cucc');
    expect(carrierNamed(read('CHINA TELECOM Tianyi'))).toBe('ctcc');
    expect(carrierNamed(read('ChinaTelecom'))).toBe('ctcc');
  });

  it('names the carrier from the end of its name when its start is hidden', () => {
    // Development set 5 photo 00068: an occluder over the "Te" of "China Telecom · Tianyi".
    expect(carrierNamed(read('TEBE Kin', 'slecom  Tianyi', 'B PIN XF'))).toBe('ctcc');
    expect(carrierNamed(read('ecom'))).toBeNull();
  });

  it('names no carrier from fragments, look-alikes or two different names', () => {
    expect(carrierNamed(read('Tel', 'Tia', 'RMB'))).toBeNull();
    expect(carrierNamed(read('NOBLE UNION TELEX'))).toBeNull();
    expect(carrierNamed(read('China Mobile', 'China Unicom'))).toBeNull();
    expect(carrierNamed([])).toBeNull();
  });

  it('outweighs a misread card number that fits another carrier', () => {
    // A ctcc card (19-digit number) whose number lost its first two digits: 17 digits fit cmcc.
    const lines = [{ text: '88 6427 4043 3081 202', confidence: 0.8, yc: 0.73 }, { text: '229163 090649 998908', confidence: 0.8, yc: 0.92 }];
    const texts = Object.fromEntries(CARRIERS.map((c) => [c, parseCardText(lines, c)])) as Record<Carrier, ReturnType<typeof parseCardText>>;
    const carrierProbs = [0.5, 0.25, 0.25];
    const denomProbs = new Array<number>(DENOMINATIONS.length).fill(1 / DENOMINATIONS.length);
    const best = (p: number[]) => CARRIERS[p.indexOf(Math.max(...p))];
    expect(best(fuseWithText(carrierProbs, denomProbs, lines, texts).carrierProbs)).toBe('cmcc');
    expect(best(fuseWithText(carrierProbs, denomProbs, lines, texts, 'ctcc').carrierProbs)).toBe('ctcc');
  });
});
