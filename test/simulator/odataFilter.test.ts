import assert from 'node:assert/strict';
import { parseFilter, type FieldType } from '../../simulator/defender/odataFilter';

const FIELDS: Record<string, FieldType> = { name: 'string', groups: 'stringList', when: 'date', on: 'bool' };
const rows = [
  { name: "o'neil", groups: ['Android', 'iOS'], when: '2026-01-01T00:00:00Z', on: true },
  { name: 'plain', groups: [], when: '2026-06-01T00:00:00Z', on: false },
];
const names = (expr: string): string[] =>
  rows.filter(parseFilter<(typeof rows)[number]>(expr, FIELDS)).map((r) => r.name);

describe('simulator OData $filter', () => {
  const cases: readonly [string, string[]][] = [
    ["name eq 'o''neil'", ["o'neil"]],
    ["name ne 'plain'", ["o'neil"]],
    ["groups/any(g: g eq 'android')", ["o'neil"]],
    ["groups eq 'iOS'", ["o'neil"]],
    ['when gt 2026-03-01T00:00:00Z', ['plain']],
    ["when lt '2026-03-01T00:00:00Z'", ["o'neil"]],
    ['on eq true', ["o'neil"]],
    ['on', ["o'neil"]],
    ["endswith(name,'AIN')", ['plain']],
    ["(name eq 'plain' or name eq 'x') and on eq false", ['plain']],
  ];
  for (const [expr, expected] of cases) {
    it(`evaluates ${expr}`, () => {
      assert.deepEqual(names(expr), expected);
    });
  }

  const errors: readonly string[] = [
    "name eq 'open",
    'name eq',
    "missing eq 'x'",
    "name eq 'a')",
    '',
    "name eq 'a' $ 'b'",
  ];
  for (const expr of errors) {
    it(`throws ODataFilterError for ${JSON.stringify(expr)}`, () => {
      assert.throws(() => parseFilter(expr, FIELDS), { name: 'ODataFilterError' });
    });
  }
});
