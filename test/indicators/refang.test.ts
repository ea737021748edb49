import assert from 'node:assert/strict';
import { cleanTeamsText, refang, splitValues } from '../../bot/indicators/refang';

describe('splitValues', () => {
  const cases: { name: string; text: string; values: string[] }[] = [
    {
      name: 'values one per line are split',
      text: 'a.example.com\nb.example.com\r\nc.example.com',
      values: ['a.example.com', 'b.example.com', 'c.example.com'],
    },
    {
      name: 'values separated by commas are split',
      text: 'a.example.com,b.example.com, c.example.com',
      values: ['a.example.com', 'b.example.com', 'c.example.com'],
    },
    {
      name: 'values separated by spaces and semicolons are split',
      text: 'a.example.com b.example.com;c.example.com',
      values: ['a.example.com', 'b.example.com', 'c.example.com'],
    },
    {
      name: 'a comma inside a URL path is kept',
      text: 'https://evil.example.com/a,b',
      values: ['https://evil.example.com/a,b'],
    },
    {
      name: 'two URLs separated by a comma are split',
      text: 'https://a.example.com/x,https://b.example.com/y',
      values: ['https://a.example.com/x', 'https://b.example.com/y'],
    },
    {
      name: 'a Teams auto-link becomes the text the analyst typed',
      text: '<a href="http://evil.example.com">evil.example.com</a>',
      values: ['evil.example.com'],
    },
    {
      name: 'a Teams auto-link with a truncated label becomes the href',
      text: '<a href="https://evil.example.com/very/long/path">https://evil.example.com/very/…</a>',
      values: ['https://evil.example.com/very/long/path'],
    },
    {
      name: 'an <at> mention is removed',
      text: '<at>IoC Bot</at> evil.example.com',
      values: ['evil.example.com'],
    },
    {
      name: 'HTML entities are decoded',
      text: 'https://evil.example.com/?a=1&amp;b=2&nbsp;x.example.com',
      values: ['https://evil.example.com/?a=1&b=2', 'x.example.com'],
    },
    {
      name: 'paragraph and line-break tags separate values',
      text: '<p>a.example.com</p><p>b.example.com<br/>c.example.com</p>',
      values: ['a.example.com', 'b.example.com', 'c.example.com'],
    },
    {
      name: 'a defanged dot with spaces around it stays one value',
      text: 'evil [.] example [.] com',
      values: ['evil[.]example[.]com'],
    },
    {
      name: 'list bullets and numbering are dropped',
      text: '- a.example.com\n• b.example.com\n1. c.example.com',
      values: ['a.example.com', 'b.example.com', 'c.example.com'],
    },
    {
      name: 'a value in angle brackets that is not an HTML tag is kept',
      text: '<evil.example.com>',
      values: ['<evil.example.com>'],
    },
    { name: 'empty text gives no values', text: ' \n\t ', values: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(splitValues(c.text), c.values);
    });
  }
});

describe('refang', () => {
  const cases: [string, string, string][] = [
    ['hxxp becomes http', 'hxxp://evil.example.com', 'http://evil.example.com'],
    ['hXXps becomes https', 'hXXps://evil.example.com', 'https://evil.example.com'],
    ['[://] becomes ://', 'https[://]evil.example.com', 'https://evil.example.com'],
    ['[.] becomes a dot', 'evil[.]example[.]com', 'evil.example.com'],
    ['surrounding quotes and a trailing comma are removed', '"evil.example.com",', 'evil.example.com'],
    ['bracketed IPv6 is left for the IP parser', '[2001:db8::1]', '[2001:db8::1]'],
  ];
  for (const [name, input, output] of cases) {
    it(name, () => {
      assert.equal(refang(input), output);
    });
  }

  it('cleanTeamsText keeps text that is not a known tag', () => {
    assert.equal(cleanTeamsText('a <b.example.com> c'), 'a <b.example.com> c');
  });
});
