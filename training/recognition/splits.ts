/**
 * What the model may see in training and what is held out for the evaluation sets. Nothing in the
 * `holdout` lists is ever rendered into a training image.
 */
export type Split = 'train' | 'holdout';

export const FONTS: Record<Split, string[]> = {
  train: ['DejaVu Sans', 'DejaVu Serif', 'Liberation Sans', 'DejaVu Sans Mono', 'FreeSerif'],
  holdout: ['Liberation Serif', 'FreeSans', 'Liberation Mono', 'DejaVu Sans Condensed', 'FreeMono'],
};

/**
 * More typefaces for the synthetic face-value patches only (value-patch-synth.ts): the more digit
 * shapes stage 2 sees, the less it leans on the five training fonts. None is a clone of a held-out
 * font (the URW Nimbus family is left out: Nimbus Sans, Roman and Mono are the Helvetica, Times and
 * Courier that FreeSans, Liberation Serif and FreeMono/Liberation Mono copy).
 * Installed by training/setup-system.sh.
 */
export const PATCH_EXTRA_FONTS: readonly string[] = ['Roboto', 'Roboto Condensed', 'Open Sans', 'Lato', 'URW Gothic', 'URW Bookman', 'C059', 'P052'];

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
