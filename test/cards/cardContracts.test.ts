/**
 * Contract tests for every template in `cards/` (STYLE "Cards", SPEC §4): each has a fixture in
 * `test/cards/fixtures/<name>.json`, expands with it, leaves no `${`, declares version ≤ 1.5, parses in the
 * adaptivecards object model without warnings, stays under the size budget, uses only registered verbs, and shows
 * user text literally.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'mocha';
import { CARD_SIZE_BUDGET_BYTES, CardRenderer, escapeMarkdown } from '../../bot/cards/cardRenderer';
import { repoRoot } from '../../bot/paths';
import { whoamiCardData } from '../../bot/teams/commands/whoamiCommand';
import { factsOf, fakeApp } from './fakeApp';

// The object model only; the package's other entry points need a DOM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

const FIXTURES = path.join(repoRoot(), 'test', 'cards', 'fixtures');
/** Teams renders Adaptive Cards up to 1.5 (reference teams-platform §2.1). */
const MAX_VERSION = [1, 5] as const;

const renderer = new CardRenderer();
const templates = renderer.names();
const verbs = new Set(fakeApp().app.cardActions.verbs());

function fixture(name: string): object {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as object;
}

function template(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(renderer.directory, `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** Every verb a card can send: `Action.Execute` verbs (also in `fallback` and `refresh`) and `Action.Submit` `data.verb`. */
export function cardVerbs(card: unknown): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute' && typeof o.verb === 'string') found.push(o.verb);
      const data = o.data as Record<string, unknown> | undefined;
      if (o.type === 'Action.Submit' && typeof data?.verb === 'string') found.push(data.verb);
      Object.values(o).forEach(visit);
    }
  };
  visit(card);
  return found;
}

/** Validation events of parsing and validating a card in the adaptivecards object model. */
function objectModelProblems(json: object): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const e of card.validateProperties().validationEvents) problems.push(e.message);
  return problems;
}

function versionOf(card: Record<string, unknown>): [number, number] {
  const m = /^(\d+)\.(\d+)$/.exec(String(card.version));
  assert.ok(m, `version ${String(card.version)} is not MAJOR.MINOR`);
  return [Number(m[1]), Number(m[2])];
}

describe('card templates: contract', () => {
  it('finds the templates of cards/', () => {
    assert.ok(templates.includes('help') && templates.includes('whoami'), templates.join(', '));
  });

  it('has a fixture in test/cards/fixtures for every template', () => {
    const missing = templates.filter((name) => !existsSync(path.join(FIXTURES, `${name}.json`)));
    assert.deepEqual(
      missing,
      [],
      `templates without a fixture in test/cards/fixtures: ${missing.join(', ')}`,
    );
  });

  for (const name of templates) {
    describe(`cards/${name}.json`, () => {
      const hasFixture = existsSync(path.join(FIXTURES, `${name}.json`));
      const rendered = (): Record<string, unknown> => renderer.render(name, fixture(name));
      // Without a fixture only the fixture test above fails; the checks that need one are skipped.
      const withFixture = (title: string, check: () => void): void => {
        it(title, function () {
          if (!hasFixture) this.skip();
          check();
        });
      };

      withFixture('expands with its fixture leaving no ${ binding', () => {
        const text = JSON.stringify(rendered());
        assert.ok(
          !text.includes('${'),
          `unexpanded binding in ${text.slice(text.indexOf('${') - 40, text.indexOf('${') + 40)}`,
        );
      });

      it('declares Adaptive Card version 1.5 or lower', () => {
        const [major, minor] = versionOf(template(name));
        assert.ok(
          major < MAX_VERSION[0] || (major === MAX_VERSION[0] && minor <= MAX_VERSION[1]),
          `${major}.${minor}`,
        );
      });

      withFixture('parses in the adaptivecards object model without warnings or errors', () => {
        assert.deepEqual(objectModelProblems(rendered()), []);
      });

      withFixture(`stays under the card size budget of ${CARD_SIZE_BUDGET_BYTES} bytes`, () => {
        const size = Buffer.byteLength(JSON.stringify(rendered()), 'utf8');
        console.log(`      cards/${name}.json with its fixture: ${size} bytes`);
        assert.ok(size < CARD_SIZE_BUDGET_BYTES, `${size} bytes`);
      });

      it('uses only verbs registered with the card-action router', () => {
        const used = [...cardVerbs(template(name)), ...(hasFixture ? cardVerbs(rendered()) : [])].filter(
          (v) => !v.includes('${'),
        );
        const unknown = [...new Set(used)].filter((v) => !verbs.has(v));
        assert.deepEqual(
          unknown,
          [],
          `verbs not registered: ${unknown.join(', ')} (registered: ${[...verbs].join(', ')})`,
        );
      });
    });
  }
});

describe('card contract helpers', () => {
  it('finds Execute verbs, Submit fallback verbs and refresh verbs', () => {
    const card = {
      refresh: { action: { type: 'Action.Execute', verb: 'card.refresh' } },
      body: [
        {
          type: 'ActionSet',
          actions: [
            {
              type: 'Action.Execute',
              verb: 'a.go',
              fallback: { type: 'Action.Submit', data: { verb: 'a.go2' } },
            },
          ],
        },
      ],
      actions: [{ type: 'Action.OpenUrl', url: 'https://example.com' }],
    };
    assert.deepEqual(cardVerbs(card).sort(), ['a.go', 'a.go2', 'card.refresh']);
  });

  it('reports an unknown element type as an object-model problem', () => {
    const problems = objectModelProblems({ type: 'AdaptiveCard', version: '1.4', body: [{ type: 'Fancy' }] });
    assert.equal(problems.length, 1);
  });

  it('reports duplicate input ids as an object-model problem', () => {
    const input = { type: 'Input.Text', id: 'x' };
    assert.equal(
      objectModelProblems({ type: 'AdaptiveCard', version: '1.4', body: [input, input] }).length,
      1,
    );
  });
});

describe('user text on cards', () => {
  const HOSTILE = '**bold** _x_ [link](http://evil) ${title} <at>x</at>';
  /** CommonMark: a backslash before ASCII punctuation makes it literal. */
  const unescape = (s: string): string => s.replace(/\\([!-/:-@[-`{-~])/g, '$1');

  function renderedName(): string {
    const data = whoamiCardData({
      actor: { name: HOSTILE, aadObjectId: '1', tenantId: '2' },
      roles: ['analyst'],
      allowSelfApproval: false,
      approvalMode: 'required',
    });
    // An extra `title` in the data must not be substituted into the user's `${title}`.
    const card = renderer.render('whoami', { ...data, title: 'EXPANDED' });
    return factsOf(card).Name ?? '';
  }

  it('reads back exactly as typed once markdown escapes are applied', () => {
    assert.equal(unescape(renderedName()), HOSTILE);
  });

  it('leaves no markdown or mention metacharacter unescaped', () => {
    const live = /(^|[^\\])(\\\\)*[*_[\]()<>`{}]/;
    assert.doesNotMatch(renderedName(), live);
  });

  it('does not expand a template binding typed by the user', () => {
    const shown = renderedName();
    assert.ok(!shown.includes('EXPANDED') && !shown.includes('${'), shown);
  });

  it('escapes the same way as escapeMarkdown', () => {
    assert.equal(renderedName(), escapeMarkdown(HOSTILE));
  });
});
