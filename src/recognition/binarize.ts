/**
 * Adaptive (local-mean) thresholding of an RGB image to black-on-white for OCR. Tesseract's global
 * Otsu threshold fails on cards where a light number box sits on a dark design; a local threshold
 * keeps dark digits on any light patch black and makes everything else white.
 */
import type { RawImage } from './geometry.js';

/** `inverted` picks light ink on a dark neighbourhood instead (white face values on coloured cards). */
export function binarizeForOcr(img: RawImage, window = 63, offset = 6, minBackground = 120, inverted = false): Uint8Array {
  const { width: w, height: h } = img;
  const gray = new Float64Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const o = i * img.channels;
    gray[i] = 0.299 * img.data[o] + 0.587 * img.data[o + 1] + 0.114 * img.data[o + 2];
  }
  // Integral image for O(1) window means.
  const integral = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += gray[y * w + x];
      integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
    }
  }
  const r = Math.floor(window / 2);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const sum = integral[y1 * (w + 1) + x1] - integral[y0 * (w + 1) + x1] - integral[y1 * (w + 1) + x0] + integral[y0 * (w + 1) + x0];
      const mean = sum / ((x1 - x0) * (y1 - y0));
      // Dark ink on a dark neighbourhood (e.g. the band around a light box) stays white when
      // minBackground is set: it only produced black frames that confuse the page layout.
      const g = gray[y * w + x];
      const ink = inverted ? g > mean + offset && mean <= 255 - minBackground : g < mean - offset && mean >= minBackground;
      out[y * w + x] = ink ? 0 : 255;
    }
  }
  return out;
}
