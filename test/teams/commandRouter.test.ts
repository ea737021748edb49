import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { CommandRouter, normaliseCommandText, type CommandHandler } from '../../bot/teams/commandRouter';

const handler = (keywords: string[]): CommandHandler => ({
  keywords,
  handle: () => Promise.resolve(keywords[0]),
});
const router = new CommandRouter([handler(['block']), handler(['help']), handler(['list'])], () =>
  Promise.resolve('fallback'),
);

describe('command router', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['/block url example.com', 'block', 'url example.com'],
    ['block url example.com', 'block', 'url example.com'],
    ['BLOCK example.com', 'block', 'example.com'],
    ['/Help', 'help', ''],
    ['blocked example.com', undefined, 'example.com'],
    ['blocklist', undefined, ''],
    ['please block example.com', undefined, 'example.com'],
    ['//block x', undefined, '//block x'],
    ['', undefined, ''],
  ];
  for (const [text, expected, args] of cases) {
    it(`routes "${text}" to ${expected ?? 'the fallback'}`, () => {
      const m = router.match(text);
      assert.equal(m.handler?.keywords[0], expected);
      if (expected) assert.equal(m.args, args);
    });
  }

  it('refuses two handlers for one keyword', () => {
    assert.throws(
      () => new CommandRouter([handler(['help']), handler(['HELP'])], () => Promise.resolve(undefined)),
      /help/,
    );
  });
});

describe('command text normalisation', () => {
  const cases: Array<[string, string, string]> = [
    ['drops a leftover mention', '<at>IoC Bot</at> help', 'help'],
    ['decodes &nbsp; and collapses spaces', 'block&nbsp;&nbsp; url   x.com', 'block url x.com'],
    [
      'keeps the visible text of an auto-link',
      'block <a href="http://evil.com">evil.com</a>',
      'block evil.com',
    ],
    ['keeps one value per line', 'block\n a.com \n\n b.com', 'block\na.com\n\nb.com'],
    ['turns <br> into a line break', 'block a.com<br>b.com', 'block a.com\nb.com'],
    ['decodes numeric entities', 'block x&#46;com', 'block x.com'],
    ['leaves an out-of-range entity alone', 'x &#99999999; y', 'x &#99999999; y'],
    ['leaves an unknown entity alone', 'a &bogus; b', 'a &bogus; b'],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name}`, () => assert.equal(normaliseCommandText(input), expected));
  }
});
