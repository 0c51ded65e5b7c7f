/**
 * Projective geometry on raw RGB(A) buffers: the generator uses it to put a card into a photo and
 * serving uses the same code to rectify the detected card for OCR, so both sides agree on corners.
 */
export type Point = [number, number];
/** Row-major 3×3 homography (h22 fixed to 1). */
export type Homography = Float64Array;

export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
}

/** Solves the 8×8 system mapping src[i] → dst[i] (Gaussian elimination with partial pivoting). */
export function homographyFromPoints(src: Point[], dst: Point[]): Homography {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i];
    const [u, v] = dst[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const p = a[col][col];
    if (Math.abs(p) < 1e-12) throw new Error('degenerate quadrilateral');
    for (let c = col; c < 9; c++) a[col][c] /= p;
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = a[r][col];
      if (f === 0) continue;
      for (let c = col; c < 9; c++) a[r][c] -= f * a[col][c];
    }
  }
  const h = new Float64Array(9);
  for (let i = 0; i < 8; i++) h[i] = a[i][8];
  h[8] = 1;
  return h;
}

export function applyHomography(h: Homography, x: number, y: number): Point {
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/** Bilinear sample of channel c at (x, y); returns -1 outside the image. */
function sample(img: RawImage, x: number, y: number, c: number): number {
  if (x < 0 || y < 0 || x > img.width - 1 || y > img.height - 1) return -1;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, img.width - 1);
  const y1 = Math.min(y0 + 1, img.height - 1);
  const fx = x - x0;
  const fy = y - y0;
  const ch = img.channels;
  const d = img.data;
  const i00 = d[(y0 * img.width + x0) * ch + c];
  const i10 = d[(y0 * img.width + x1) * ch + c];
  const i01 = d[(y1 * img.width + x0) * ch + c];
  const i11 = d[(y1 * img.width + x1) * ch + c];
  return (i00 * (1 - fx) + i10 * fx) * (1 - fy) + (i01 * (1 - fx) + i11 * fx) * fy;
}

/**
 * Warps `src` into a new width×height RGB image so that the src quadrilateral `quad`
 * (TL, TR, BR, BL) fills the whole output (rectification).
 */
export function rectify(src: RawImage, quad: Point[], width: number, height: number): RawImage {
  const h = homographyFromPoints(
    [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]],
    quad,
  );
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = applyHomography(h, x, y);
      for (let c = 0; c < 3; c++) {
        const v = sample(src, sx, sy, c);
        out[(y * width + x) * 3 + c] = v < 0 ? 255 : v;
      }
    }
  }
  return { data: out, width, height, channels: 3 };
}

/**
 * Composites an RGBA `card` onto the RGB `canvas` (in place) with its corners at `quad`
 * (TL, TR, BR, BL in canvas pixels). Only the quad's bounding box is visited.
 */
export function compositeWarped(canvas: RawImage, card: RawImage, quad: Point[]): void {
  const cw = card.width;
  const chh = card.height;
  const h = homographyFromPoints(quad, [[0, 0], [cw - 1, 0], [cw - 1, chh - 1], [0, chh - 1]]);
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(canvas.width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(canvas.height - 1, Math.ceil(Math.max(...ys)));
  const hasAlpha = card.channels === 4;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const [sx, sy] = applyHomography(h, x, y);
      if (sx < -0.5 || sy < -0.5 || sx > cw - 0.5 || sy > chh - 0.5) continue;
      const cx = Math.min(Math.max(sx, 0), cw - 1);
      const cy = Math.min(Math.max(sy, 0), chh - 1);
      let alpha = hasAlpha ? sample(card, cx, cy, 3) / 255 : 1;
      // Soft 1-pixel edge so the card outline is anti-aliased like a real photo.
      const edge = Math.min(sx + 0.5, sy + 0.5, cw - 0.5 - sx, chh - 0.5 - sy);
      if (edge < 1) alpha *= Math.max(0, edge);
      if (alpha <= 0) continue;
      const o = (y * canvas.width + x) * canvas.channels;
      for (let c = 0; c < 3; c++) {
        const v = sample(card, cx, cy, c);
        canvas.data[o + c] = canvas.data[o + c] * (1 - alpha) + v * alpha;
      }
    }
  }
}
