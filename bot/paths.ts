import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository root: the nearest folder above this file holding `package.json`. Works from the sources and
 * from the compiled `dist/` tree alike.
 */
export function repoRoot(start: string = __dirname): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}
