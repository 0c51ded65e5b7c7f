import { describe, expect, it } from 'vitest';
import { joinedLine } from '../../src/recognition/line-join.js';
import type { TextLine } from '../../src/recognition/text-lines.js';

const chain = (x0: number, x1: number, count: number, glyphHeight = 18, yc = 724): TextLine =>
  ({ x0, x1, y0: yc - glyphHeight / 2, y1: yc + glyphHeight / 2, glyphHeight, slope: 0, count, fill: 0.4, light: false });

describe('a number line broken into pieces', () => {
  it('is widened over the pieces on its baseline a few glyphs away (dev set 1, photo 00181: "84" … "3501 2619 3178 4")', () => {
    const pin = chain(892, 1067, 10);
    const lead = chain(783, 822, 2, 17, 727);
    const joined = joinedLine(pin, [lead, pin]);
    expect(joined.x0).toBe(783);
    expect(joined.x1).toBe(1067);
    expect(joined.count).toBe(12);
  });

  it('leaves out print of another height, another row or too far away', () => {
    const pin = chain(892, 1067, 10);
    const others = [chain(1161, 1214, 1, 12), chain(783, 822, 2, 18, 760), chain(600, 700, 3)];
    expect(joinedLine(pin, [pin, ...others])).toEqual(pin);
  });

  it('follows the line\'s slope and chains piece to piece', () => {
    const pin = { ...chain(400, 600, 10), slope: 0.1 };
    const next = chain(640, 700, 3, 18, 724 + 0.1 * (670 - 500));
    const last = chain(740, 800, 3, 18, 724 + 0.1 * (770 - 500));
    const joined = joinedLine(pin, [pin, last, next]);
    expect(joined.x1).toBe(800);
    expect(joined.count).toBe(16);
  });
});
