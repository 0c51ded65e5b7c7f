import { execFileSync } from 'node:child_process';
import { PATCH_EXTRA_FONTS } from './splits.js';

/**
 * Installed font families matching a fontconfig pattern, or null without fontconfig's tools: then
 * nothing can be told, so the checks below do not block (the renderer reports missing fonts itself).
 */
function fontFamilies(pattern: string): Set<string> | null {
  try {
    const out = execFileSync('fc-list', [pattern, 'family'], { encoding: 'utf8' });
    return new Set(out.split('\n').flatMap((l) => l.split(',')).map((f) => f.trim()).filter(Boolean));
  } catch {
    return null;
  }
}

/**
 * Card photos carry Chinese text (carrier names, 面值, 卡号, 密码). Without a CJK font the renderer
 * draws boxes instead, silently: on 30 November every training and evaluation photo of the day was
 * rendered that way before `training/setup-system.sh` had run. Refuse to render such data.
 */
export function assertChineseFont(): void {
  const families = fontFamilies(':lang=zh');
  if (families && families.size === 0) {
    throw new Error('no Chinese font is installed, so card photos would show boxes instead of Chinese text: run `sudo training/setup-system.sh` (installs fonts-wqy-zenhei) first');
  }
}

/**
 * The synthetic face-value patches draw digits in PATCH_EXTRA_FONTS; a missing one would silently
 * fall back to a default face, and the model card would claim typefaces it never saw.
 */
export function assertPatchFonts(): void {
  const have = fontFamilies(':');
  const missing = have ? PATCH_EXTRA_FONTS.filter((f) => !have.has(f)) : [];
  if (missing.length) throw new Error(`fonts for the synthetic face-value patches are missing (${missing.join(', ')}): run \`sudo training/setup-system.sh\` first`);
}
