import { describe, expect, it } from 'vitest';
import { reviewNeeded } from '../../src/recognition/recognizer.js';

const read = (value: string, confidence: number) => ({ value, confidence, share: 1 });
const serial = read('31427851266693', 0.9);

describe('reviewNeeded', () => {
  it('asks for review below the face-value threshold, with or without OCR', () => {
    expect(reviewNeeded(0.5, 0.9, null)).toBe(true);
    expect(reviewNeeded(0.5, 0.9, { serial, pin: read('9277645921388244219', 0.99) })).toBe(true);
    expect(reviewNeeded(0.95, 0.9, null)).toBe(false);
  });

  it('with OCR, asks for review when a number is missing', () => {
    expect(reviewNeeded(0.99, 0.9, { serial: null, pin: read('9277645921388244219', 0.99) })).toBe(true);
    expect(reviewNeeded(0.99, 0.9, { serial, pin: null })).toBe(true);
  });

  it('asks for review when the PIN was read unsurely, as it would for a missing one', () => {
    expect(reviewNeeded(0.99, 0.9, { serial, pin: read('9277645921388244219', 0.2) })).toBe(true);
    expect(reviewNeeded(0.99, 0.9, { serial, pin: read('9277645921388244219', 0.8) })).toBe(false);
  });

  it('asks for review of a card found only by cutting it again from its number lines, however sure its reads', () => {
    expect(reviewNeeded(0.99, 0.9, { serial, pin: read('9277645921388244219', 0.8) }, true)).toBe(true);
  });
});
