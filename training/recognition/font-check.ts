import { execFileSync } from 'node:child_process';

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
