import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'mocha';
import { repoRoot } from '../../bot/paths';

describe('npm scripts', () => {
  const root = repoRoot();
  const scripts = (
    JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;

  for (const [name, command] of Object.entries(scripts)) {
    for (const [, file] of command.matchAll(/\bnode (dist\/\S+\.js)/g)) {
      it(`runs a program that the build produces: npm run ${name} → ${file}`, () => {
        assert.ok(existsSync(path.join(root, file)), `${file} does not exist after the build`);
      });
    }
  }

  it('starts the composition root with npm start', () => {
    assert.match(scripts.start ?? '', /node dist\/bot\/index\.js/);
  });
});
