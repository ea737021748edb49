import assert from 'node:assert/strict';
import { buildIndicatorFilter, odataString, type IndicatorFilter } from '../../bot/defender/indicatorFilter';

describe('buildIndicatorFilter', () => {
  const cases: { name: string; filter: IndicatorFilter; expected: string | undefined }[] = [
    { name: 'nothing for an empty filter', filter: {}, expected: undefined },
    {
      name: 'type and value joined with and',
      filter: { indicatorType: 'DomainName', indicatorValue: 'example.com' },
      expected: "indicatorValue eq 'example.com' and indicatorType eq 'DomainName'",
    },
    {
      name: 'a quote doubled so the value stays one literal',
      filter: { indicatorValue: "x' or '1' eq '1" },
      expected: "indicatorValue eq 'x'' or ''1'' eq ''1'",
    },
    { name: 'a boolean unquoted', filter: { generateAlert: false }, expected: 'generateAlert eq false' },
    {
      name: 'contains() for substring searches',
      filter: { indicatorValueContains: "o'b" },
      expected: "contains(indicatorValue,'o''b')",
    },
    {
      name: 'date-times without milliseconds',
      filter: { expiresBefore: new Date('2026-12-31T23:59:59.123Z') },
      expected: 'expirationTime lt 2026-12-31T23:59:59Z',
    },
  ];
  for (const c of cases) {
    it(`builds ${c.name}`, () => {
      assert.equal(buildIndicatorFilter(c.filter), c.expected);
    });
  }

  it('refuses an invalid date', () => {
    assert.throws(() => buildIndicatorFilter({ createdSince: new Date('nope') }), {
      name: 'ValidationError',
    });
  });

  it('quotes a string literal with every quote doubled', () => {
    assert.equal(odataString("''"), "''''''");
  });
});
