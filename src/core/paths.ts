import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The checkout's root: bundled models and data are found from here, whatever the working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const projectPath = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);
