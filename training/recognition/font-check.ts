import { execFileSync } from 'node:child_process';
import { PATCH_EXTRA_FONTS } from './splits.js';

/**
 * Card photos carry Chinese text (carrier names, 面值, 卡号, 密码). Without a CJK font the renderer
 * draws boxes instead, silently: on 30 November every training and evaluation photo of the day was
 * rendered that way before `training/setup-system.sh` had run. Refuse to render such data.
 */
export function assertChineseFont(): void {
  let families = '';
  try {
    families = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  } catch {
    // No fontconfig tools: cannot tell, so do not block (the renderer reports missing fonts itself).
    return;
  }
  if (families.trim() === '') {
    throw new Error('no Chinese font is installed, so card photos would show boxes instead of Chinese text: run `sudo training/setup-system.sh` (installs fonts-wqy-zenhei) first');
  }
}

/**
 * The synthetic face-value patches draw digits in PATCH_EXTRA_FONTS; a missing one would silently
 * fall back to a default face, and the model card would claim typefaces it never saw.
 */
export function assertPatchFonts(): void {
  let families = '';
  try {
    families = execFileSync('fc-list', [':', 'family'], { encoding: 'utf8' });
  } catch {
    return;
  }
  const have = new Set(families.split('\n').flatMap((l) => l.split(',')).map((f) => f.trim()));
  const missing = PATCH_EXTRA_FONTS.filter((f) => !have.has(f));
  if (missing.length) throw new Error(`fonts for the synthetic face-value patches are missing (${missing.join(', ')}): run \`sudo training/setup-system.sh\` first`);
}
