/**
 * What the model may see in training and what is held out for the evaluation sets. Nothing in the
 * `holdout` lists is ever rendered into a training image.
 */
export type Split = 'train' | 'holdout';

export const FONTS: Record<Split, string[]> = {
  train: ['DejaVu Sans', 'DejaVu Serif', 'Liberation Sans', 'DejaVu Sans Mono', 'FreeSerif'],
  holdout: ['Liberation Serif', 'FreeSans', 'Liberation Mono', 'DejaVu Sans Condensed', 'FreeMono'],
};

/** Card layout families (see card-design.ts). */
export const LAYOUTS: Record<Split, string[]> = {
  train: ['value-right', 'value-left', 'value-center', 'banner'],
  holdout: ['value-bottom-right', 'split-panel'],
};

/** Background families (see backgrounds.ts). */
export const BACKGROUNDS: Record<Split, string[]> = {
  train: ['gradient', 'stripes', 'shapes', 'paper-text'],
  holdout: ['checker', 'blobs', 'desk-clutter'],
};

/** Card palettes: hue ranges per carrier; holdout palettes shift hues and saturation. */
export const PALETTE_STYLES: Record<Split, string[]> = {
  train: ['solid', 'two-tone', 'pale'],
  holdout: ['dark', 'neon'],
};
