import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { MatchedIndicator } from '../../bot/notifications/hitRecord';
import { bestMatch, targetOf } from '../../bot/notifications/indicatorCorrelator';

function ind(type: MatchedIndicator['type'], value: string): MatchedIndicator {
  return { type, value, action: 'Block', rbacGroupNames: [], origin: 'defender' };
}

const CATALOGUE = [
  ind('DomainName', 'evil.example'),
  ind('DomainName', 'deep.evil.example'),
  ind('Url', 'https://shop.example/checkout'),
  ind('IpAddress', '2001:db8:0:0:0:0:0:1'),
  ind('IpAddress', '203.0.113.7'),
];

describe('indicator correlation', () => {
  const cases: Array<{ name: string; url?: string; remoteIp?: string; expected?: string }> = [
    { name: 'a domain covers itself', url: 'https://evil.example/', expected: 'evil.example' },
    { name: 'a domain covers its subdomains', url: 'https://a.b.evil.example/x', expected: 'evil.example' },
    { name: 'the longer domain wins', url: 'https://x.deep.evil.example/', expected: 'deep.evil.example' },
    { name: 'a domain does not cover a lookalike suffix', url: 'https://notevil.example/' },
    {
      name: 'a URL covers paths under it',
      url: 'https://shop.example/checkout/pay',
      expected: 'https://shop.example/checkout',
    },
    { name: 'a URL does not cover other paths of the host', url: 'https://shop.example/cart' },
    {
      name: 'an IPv6 hit matches the full-form indicator',
      remoteIp: '2001:db8::1',
      expected: '2001:db8:0:0:0:0:0:1',
    },
    { name: 'an IP in the URL host matches', url: 'http://203.0.113.7/login', expected: '203.0.113.7' },
    { name: 'an unknown target matches nothing', url: 'https://fine.example/' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(bestMatch(CATALOGUE, targetOf(c))?.value, c.expected);
    });
  }

  it('prefers the Defender record over the bot request on the same value', () => {
    const request: MatchedIndicator = { ...ind('DomainName', 'evil.example'), origin: 'request' };
    assert.equal(
      bestMatch([request, ind('DomainName', 'evil.example')], targetOf({ url: 'https://evil.example' }))
        ?.origin,
      'defender',
    );
  });
});
