import assert from 'node:assert/strict';
import {
  COMMAND_NAMES,
  COMMAND_USAGE,
  parseCommand,
  type ParsedCommand,
} from '../../bot/commands/commandParser';

const NOW = new Date('2026-12-01T10:00:00Z');

function parse(text: string): ParsedCommand {
  return parseCommand(text, NOW);
}

describe('parseCommand', () => {
  const cases: { name: string; text: string; expected: ParsedCommand }[] = [
    {
      name: 'a block command with a defanged URL keeps the value for the validator',
      text: '/block hxxps://evil[.]example[.]com/path',
      expected: {
        name: 'block',
        action: 'block',
        values: ['hxxps://evil[.]example[.]com/path'],
        noAlert: false,
      },
    },
    {
      name: 'the leading slash is optional and the keyword case-insensitive',
      text: 'BLOCK evil.example.com',
      expected: { name: 'block', action: 'block', values: ['evil.example.com'], noAlert: false },
    },
    {
      name: 'a type word becomes the type hint',
      text: '/block url evil.example.com',
      expected: {
        name: 'block',
        action: 'block',
        typeHint: 'Url',
        values: ['evil.example.com'],
        noAlert: false,
      },
    },
    {
      name: 'several values and all options are parsed',
      text: '/warn a.example.com, b.example.com --expires 30d --groups "Mobile, Android" --severity HIGH --title "Phish kit" --desc "Seen in campaign" --no-alert',
      expected: {
        name: 'warn',
        action: 'warn',
        values: ['a.example.com', 'b.example.com'],
        expires: '30d',
        scope: { kind: 'groups', groups: ['Mobile', 'Android'] },
        severity: 'High',
        title: 'Phish kit',
        description: 'Seen in campaign',
        noAlert: true,
      },
    },
    {
      name: 'values one per line are all kept',
      text: 'allow\na.example.com\nb.example.com\nc.example.com',
      expected: {
        name: 'allow',
        action: 'allow',
        values: ['a.example.com', 'b.example.com', 'c.example.com'],
        noAlert: false,
      },
    },
    {
      name: 'an em dash typed by a phone counts as --',
      text: 'block evil.example.com —all-devices',
      expected: {
        name: 'block',
        action: 'block',
        values: ['evil.example.com'],
        scope: { kind: 'allDevices' },
        noAlert: false,
      },
    },
    {
      name: 'typographic quotes work around an option value',
      text: 'audit evil.example.com --title “Red team”',
      expected: {
        name: 'audit',
        action: 'audit',
        values: ['evil.example.com'],
        title: 'Red team',
        noAlert: false,
      },
    },
    {
      name: 'an option written with = is parsed',
      text: 'block evil.example.com --expires=2026-12-31',
      expected: {
        name: 'block',
        action: 'block',
        values: ['evil.example.com'],
        expires: '2026-12-31',
        noAlert: false,
      },
    },
    {
      name: 'a leftover at-mention and a Teams auto-link are cleaned',
      text: '<at>IoC Bot</at> block <a href="http://evil.example.com">evil.example.com</a>',
      expected: { name: 'block', action: 'block', values: ['evil.example.com'], noAlert: false },
    },
    { name: 'new takes no arguments', text: '/new', expected: { name: 'new' } },
    { name: 'list takes an optional filter', text: 'list evil', expected: { name: 'list', filter: 'evil' } },
    { name: 'list without a filter is parsed', text: 'list', expected: { name: 'list' } },
    { name: 'show takes a value or id', text: 'show 994', expected: { name: 'show', target: '994' } },
    {
      name: 'remove takes a value or id',
      text: 'remove evil.example.com',
      expected: { name: 'remove', target: 'evil.example.com' },
    },
    {
      name: 'expiring takes an optional number of days',
      text: 'expiring 7',
      expected: { name: 'expiring', days: 7 },
    },
    { name: 'expiring accepts a d suffix', text: 'expiring 14d', expected: { name: 'expiring', days: 14 } },
    { name: 'pending is parsed', text: 'pending', expected: { name: 'pending' } },
    { name: 'import is parsed', text: 'import', expected: { name: 'import' } },
    {
      name: 'export is parsed as the indicators export',
      text: 'export',
      expected: { name: 'export', what: 'indicators' },
    },
    { name: 'export audit is parsed', text: 'export audit', expected: { name: 'export', what: 'audit' } },
    {
      name: 'export audit takes a request id',
      text: 'export audit R-ABC23456',
      expected: { name: 'export', what: 'audit', requestId: 'R-ABC23456' },
    },
    { name: 'pending takes a page number', text: 'pending 3', expected: { name: 'pending', page: 3 } },
    {
      name: 'subscribe approvals is parsed',
      text: 'subscribe approvals',
      expected: { name: 'subscribe', kind: 'approvals' },
    },
    {
      name: 'subscribe hits takes action, platform and group filters',
      text: 'subscribe hits --actions audit,block --platforms ios,android --groups "Mobile"',
      expected: {
        name: 'subscribe',
        kind: 'hits',
        filters: { actions: ['Audit', 'Block'], platforms: ['iOS', 'Android'], groups: ['Mobile'] },
      },
    },
    {
      name: 'unsubscribe takes an optional kind',
      text: 'unsubscribe hits',
      expected: { name: 'unsubscribe', kind: 'hits' },
    },
    { name: 'status is parsed', text: 'status', expected: { name: 'status' } },
    { name: 'whoami is parsed', text: 'whoami', expected: { name: 'whoami' } },
    {
      name: 'help takes an optional command',
      text: 'help /block',
      expected: { name: 'help', topic: 'block' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(parse(c.text), c.expected);
    });
  }

  const errors: { name: string; text: string; message: RegExp }[] = [
    {
      name: 'a keyword that merely starts with a command is unknown',
      text: 'blocks evil.example.com',
      message: /don't know the command "blocks".*\/block/,
    },
    {
      name: 'a misspelt keyword suggests the closest command',
      text: 'lsit',
      message: /Did you mean \/list\?/,
    },
    { name: 'an empty message asks for a command', text: '   ', message: /Type a command/ },
    {
      name: 'a block without a value shows the usage',
      text: '/block',
      message: /Usage: \/block \[type\] <value…>/,
    },
    {
      name: 'a type word without a value shows the usage',
      text: '/block url',
      message: /at least one value/,
    },
    {
      name: 'an unknown option lists the options',
      text: 'block evil.example.com --foo',
      message: /--foo.*--expires/,
    },
    {
      name: 'an option without its value is refused',
      text: 'block evil.example.com --expires',
      message: /--expires needs a value/,
    },
    {
      name: 'a malformed expiry is refused',
      text: 'block evil.example.com --expires 30x',
      message: /not an expiry/,
    },
    {
      name: 'an expiry date in the past is refused',
      text: 'block evil.example.com --expires 2026-01-01',
      message: /not in the future/,
    },
    {
      name: 'an unknown severity is refused',
      text: 'block evil.example.com --severity severe',
      message: /--severity must be/,
    },
    {
      name: 'groups and all devices together are refused',
      text: 'block evil.example.com --groups A --all-devices',
      message: /either --groups or --all-devices/,
    },
    {
      name: 'an option given twice is refused',
      text: 'block evil.example.com --title a --title b',
      message: /given twice/,
    },
    {
      name: 'no-alert on an audit is refused because Audit always alerts',
      text: 'audit evil.example.com --no-alert',
      message: /always raise an alert/,
    },
    {
      name: 'an unclosed quote is refused',
      text: 'block evil.example.com --title "oops',
      message: /not closed/,
    },
    { name: 'show without a target is refused', text: 'show', message: /Usage: \/show <value or id>/ },
    { name: 'expiring with a non-number is refused', text: 'expiring soon', message: /number of days/ },
    { name: 'subscribe without a kind is refused', text: 'subscribe', message: /approvals or hits/ },
    {
      name: 'subscribe with an unknown platform is refused',
      text: 'subscribe hits --platforms symbian',
      message: /not a platform/,
    },
    { name: 'export of something else is refused', text: 'export everything', message: /export audit/ },
    { name: 'pending with a non-number is refused', text: 'pending soon', message: /page is a number/ },
    {
      name: 'a command without arguments refuses extra text',
      text: 'status please',
      message: /takes no arguments/,
    },
    {
      name: 'help on an unknown command is refused',
      text: 'help frobnicate',
      message: /don't know the command/,
    },
  ];
  for (const c of errors) {
    it(c.name, () => {
      assert.throws(
        () => parse(c.text),
        (err: unknown) => {
          assert.ok(err instanceof Error);
          assert.equal(err.name, 'CommandParseError');
          assert.equal((err as { code?: string }).code, 'commandParse');
          assert.match(err.message, c.message);
          return true;
        },
      );
    });
  }

  it('has a usage line and description for every command name', () => {
    for (const name of COMMAND_NAMES) {
      assert.ok(COMMAND_USAGE[name].usage.startsWith(`/${name}`), name);
      assert.ok(COMMAND_USAGE[name].description.endsWith('.'), name);
    }
  });
});
