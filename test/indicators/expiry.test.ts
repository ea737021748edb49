import assert from 'node:assert/strict';
import { parseExpiry } from '../../bot/indicators/expiry';
import { NOW } from './fixtures';

const settings = { now: NOW, defaultDays: 30, maxDays: 365 };

describe('parseExpiry', () => {
  const ok: { name: string; text: string | undefined; expected: string | null }[] = [
    { name: 'no text means the default number of days', text: undefined, expected: '2026-12-31T10:00:00Z' },
    { name: '30d means thirty days from now', text: '30d', expected: '2026-12-31T10:00:00Z' },
    { name: '12h means twelve hours from now', text: '12h', expected: '2026-12-01T22:00:00Z' },
    { name: '2w means two weeks from now', text: '2w', expected: '2026-12-15T10:00:00Z' },
    { name: 'a date means the end of that day in UTC', text: '2026-12-31', expected: '2026-12-31T23:59:59Z' },
    {
      name: 'an ISO time with fractions is truncated to seconds',
      text: '2027-01-16T12:11:06.2446367Z',
      expected: '2027-01-16T12:11:06Z',
    },
    {
      name: 'an ISO time with an offset is converted to UTC',
      text: '2027-01-16T12:00:00+02:00',
      expected: '2027-01-16T10:00:00Z',
    },
    { name: 'never means no expiry', text: 'never', expected: null },
    { name: 'keywords are case-insensitive', text: 'NEVER', expected: null },
    { name: 'exactly the maximum is allowed', text: '365d', expected: '2027-12-01T10:00:00Z' },
  ];
  for (const c of ok) {
    it(c.name, () => {
      const result = parseExpiry(c.text, settings);
      assert.ok(result.ok);
      assert.equal(result.expirationTime, c.expected);
    });
  }

  it('never is allowed with a warning because it exceeds the maximum', () => {
    const result = parseExpiry('never', settings);
    assert.equal(result.finding?.code, 'neverExpires');
    assert.equal(result.finding?.level, 'warning');
  });

  const bad: { name: string; text: string; code: string }[] = [
    { name: 'a date in the past is refused', text: '2026-11-30', code: 'expiryNotFuture' },
    { name: 'zero days is refused', text: '0d', code: 'expiryNotFuture' },
    { name: 'beyond the maximum is refused', text: '366d', code: 'expiryTooFar' },
    { name: 'an absurdly far expiry is refused without throwing', text: '999999w', code: 'expiryTooFar' },
    { name: 'an impossible calendar date is refused', text: '2027-02-30', code: 'invalidExpiry' },
    { name: 'an unknown unit is refused', text: '30x', code: 'invalidExpiry' },
    { name: 'free text is refused', text: 'next tuesday', code: 'invalidExpiry' },
  ];
  for (const c of bad) {
    it(c.name, () => {
      const result = parseExpiry(c.text, settings);
      assert.equal(result.ok, false);
      assert.equal(result.finding?.code, c.code);
    });
  }

  it('a refusal for being too far names the latest allowed time', () => {
    const result = parseExpiry('400d', settings);
    assert.match(result.finding?.message ?? '', /2027-12-01T10:00:00Z/);
  });
});
