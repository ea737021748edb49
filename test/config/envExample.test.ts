import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'mocha';
import { CONFIG_VARIABLES } from '../../bot/config';
import { repoRoot } from '../../bot/paths';

describe('.env.example', () => {
  const listed = readFileSync(path.join(repoRoot(), '.env.example'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Za-z_]+=/.test(l))
    .map((l) => l.slice(0, l.indexOf('=')));

  it('lists every variable the configuration reads', () => {
    assert.deepEqual(
      CONFIG_VARIABLES.filter((v) => !listed.includes(v)),
      [],
    );
  });

  it('lists no variable the configuration does not read', () => {
    assert.deepEqual(
      listed.filter((v) => !(CONFIG_VARIABLES as readonly string[]).includes(v)),
      [],
    );
  });
});
