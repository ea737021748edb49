import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { DefenderIndicator } from '../../bot/defender/defenderClient';
import { extendedExpiry } from '../../bot/requests/listing/expiringCommand';
import { checkFileUrl } from '../../bot/requests/listing/fileTransfer';
import { draftOfIndicator, normalisedValue } from '../../bot/requests/listing/indicatorViews';
import { parseListFilter } from '../../bot/requests/listing/listCommand';

describe('indicator views: /list filter words', () => {
  const cases: [string, ReturnType<typeof parseListFilter>][] = [
    ['', {}],
    ['url', { indicatorType: 'Url' }],
    ['domain block', { indicatorType: 'DomainName', action: 'Block' }],
    ['AUDIT ip', { indicatorType: 'IpAddress', action: 'Audit' }],
    ['allow', { action: 'Allowed' }],
    ['sha256', { indicatorType: 'FileSha256' }],
    ['FileSha1 blockandremediate', { indicatorType: 'FileSha1', action: 'BlockAndRemediate' }],
  ];
  for (const [text, expected] of cases) {
    it(`reads "${text}" as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parseListFilter(text), expected);
    });
  }

  it('refuses a value substring and says that Defender offers no such filter', () => {
    assert.throws(() => parseListFilter('evil.com'), {
      name: 'CommandParseError',
      code: 'commandParse',
      message: /part of a value is not supported/,
    });
  });

  it('refuses two types at once', () => {
    assert.throws(() => parseListFilter('url domain'), { name: 'CommandParseError', code: 'commandParse' });
  });
});

describe('indicator views: the extended expiry', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  it('adds the days to the current expiry when it is later than now', () => {
    assert.equal(extendedExpiry('2026-12-05T00:00:00Z', 30, now, 365), '2027-01-04T00:00:00Z');
  });
  it('adds the days to now when the current expiry has passed', () => {
    assert.equal(extendedExpiry('2026-11-01T00:00:00Z', 7, now, 365), '2026-12-08T10:00:00Z');
  });
  it('never goes beyond the configured maximum', () => {
    assert.equal(extendedExpiry('2027-11-20T00:00:00Z', 90, now, 365), '2027-12-01T10:00:00Z');
  });
});

describe('indicator views: file links', () => {
  const cases: [string, 'local' | 'production', boolean][] = [
    ['https://contoso.sharepoint.com/personal/a/file.csv', 'production', true],
    ['http://contoso.sharepoint.com/file.csv', 'production', false],
    ['http://127.0.0.1:8080/file.csv', 'production', false],
    ['http://127.0.0.1:8080/file.csv', 'local', true],
    ['http://localhost/file.csv', 'local', true],
    ['http://[::1]:9/file.csv', 'local', true],
    ['http://10.0.0.5/file.csv', 'local', false],
    ['file:///etc/passwd', 'local', false],
    ['not a url', 'local', false],
  ];
  for (const [url, mode, ok] of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${url} in ${mode} mode`, () => {
      if (ok) assert.equal(checkFileUrl(url, mode).href.length > 0, true);
      else assert.throws(() => checkFileUrl(url, mode), { name: 'ValidationError', code: 'validation' });
    });
  }
});

describe('indicator views: values and drafts', () => {
  it('normalises a defanged URL for lookup', () => {
    assert.deepEqual(normalisedValue('hxxps://evil[.]example[.]com/a'), {
      type: 'Url',
      value: 'https://evil.example.com/a',
    });
  });

  it('refuses to re-submit an indicator with a retired action', () => {
    const legacy = {
      id: '7',
      indicatorValue: 'x.example.com',
      indicatorType: 'DomainName',
      action: 'AlertAndBlock',
      rbacGroupNames: [],
      rbacGroupIds: [],
      mitreTechniques: [],
    } as unknown as DefenderIndicator;
    assert.throws(() => draftOfIndicator(legacy, null), { name: 'ValidationError', code: 'validation' });
  });

  it('keeps an Audit indicator alerting when it is re-submitted', () => {
    const audit = {
      id: '8',
      indicatorValue: 'y.example.com',
      indicatorType: 'DomainName',
      action: 'Audit',
      generateAlert: null,
      rbacGroupNames: ['Mobile'],
      rbacGroupIds: [],
      mitreTechniques: [],
    } as unknown as DefenderIndicator;
    const draft = draftOfIndicator(audit, '2027-01-01T00:00:00Z');
    assert.equal(draft.generateAlert, true);
    assert.deepEqual(draft.rbacGroupNames, ['Mobile']);
    assert.equal(draft.expirationTime, '2027-01-01T00:00:00Z');
  });
});
