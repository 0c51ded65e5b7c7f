/**
 * Input normalisation before any check: full-width digits (０-９) become ASCII, and the separators
 * people type or copy (spaces of any width, dashes of any kind) are dropped.
 */
const SEPARATORS = /[\s\u00a0\u3000\-\u2010-\u2015\u2212\uff0d_.·]/g;

export function normaliseDigits(input: string): string {
  const halfWidth = input.replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return halfWidth.replace(SEPARATORS, '');
}

export const isAllDigits = (s: string): boolean => /^[0-9]+$/.test(s);
