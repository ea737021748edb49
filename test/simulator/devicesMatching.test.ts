import assert from 'node:assert/strict';
import { SIM_DEVICES, DEVICE_IDS, type SimDevice } from '../../simulator/devices/deviceFixture';
import { decideVisit, type VisitDecision } from '../../simulator/devices/indicatorMatcher';
import type { SimIndicator } from '../../simulator/contracts';
import { indicator } from '../graph/simGraphSupport';

function device(id: string): SimDevice {
  const d = SIM_DEVICES.find((x) => x.deviceId === id);
  if (d === undefined) throw new Error(id);
  return d;
}

const windows = device(DEVICE_IDS.windows);
const iosSupervised = device(DEVICE_IDS.iosSupervised);
const iosUnsupervised = device(DEVICE_IDS.iosUnsupervised);
const android = device(DEVICE_IDS.android);

interface Row {
  readonly name: string;
  readonly device: SimDevice;
  readonly url: string;
  readonly indicators: readonly SimIndicator[];
  readonly expected: VisitDecision;
  readonly remoteIp?: string;
  readonly browser?: 'edge' | 'other';
  readonly mobileIpIndicators?: boolean;
}

const blockDomain = indicator({ indicatorType: 'DomainName', indicatorValue: 'evil.example' });
const blockPath = indicator({ indicatorType: 'Url', indicatorValue: 'https://shop.example/checkout' });
const blockIp = indicator({ indicatorType: 'IpAddress', indicatorValue: '203.0.113.7' });

const rows: readonly Row[] = [
  {
    name: 'a domain indicator blocks the domain itself',
    device: windows,
    url: 'https://evil.example/',
    indicators: [blockDomain],
    expected: 'blocked',
  },
  {
    name: 'a domain indicator blocks a deep subdomain',
    device: android,
    url: 'https://a.b.evil.example/x',
    indicators: [blockDomain],
    expected: 'blocked',
  },
  {
    name: 'a domain indicator does not block a look-alike suffix',
    device: windows,
    url: 'https://notevil.example/',
    indicators: [blockDomain],
    expected: 'allowed',
  },
  {
    name: 'a URL path indicator blocks under its path',
    device: windows,
    url: 'https://shop.example/checkout/pay',
    indicators: [blockPath],
    expected: 'blocked',
  },
  {
    name: 'a URL path indicator does not block a sibling path',
    device: windows,
    url: 'https://shop.example/checkoutx',
    indicators: [blockPath],
    expected: 'allowed',
  },
  {
    name: 'a URL path indicator does not block other paths',
    device: windows,
    url: 'https://shop.example/',
    indicators: [blockPath],
    expected: 'allowed',
  },
  {
    name: 'an HTTPS URL path is not enforced outside Edge on a desktop',
    device: windows,
    url: 'https://shop.example/checkout',
    browser: 'other',
    indicators: [blockPath],
    expected: 'notEnforced',
  },
  {
    name: 'supervised iOS enforces a URL path indicator',
    device: iosSupervised,
    url: 'https://shop.example/checkout',
    indicators: [blockPath],
    expected: 'blocked',
  },
  {
    name: 'unsupervised iOS does not enforce a URL path indicator',
    device: iosUnsupervised,
    url: 'https://shop.example/checkout',
    indicators: [blockPath],
    expected: 'notEnforced',
  },
  {
    name: 'unsupervised iOS still enforces a domain indicator',
    device: iosUnsupervised,
    url: 'https://evil.example/a/b',
    indicators: [blockDomain],
    expected: 'blocked',
  },
  {
    name: 'an IP indicator blocks on Windows',
    device: windows,
    url: 'http://203.0.113.7/',
    indicators: [blockIp],
    expected: 'blocked',
  },
  {
    name: 'an IP indicator matches the connected address of a named host',
    device: windows,
    url: 'https://host.example/',
    remoteIp: '203.0.113.7',
    indicators: [blockIp],
    expected: 'blocked',
  },
  {
    name: 'an IP indicator is not enforced on Android by current docs',
    device: android,
    url: 'http://203.0.113.7/',
    indicators: [blockIp],
    expected: 'notEnforced',
  },
  {
    name: 'an IP indicator is enforced on Android with the older behaviour switched on',
    device: android,
    url: 'http://203.0.113.7/',
    indicators: [blockIp],
    mobileIpIndicators: true,
    expected: 'blocked',
  },
  {
    name: 'Allow beats Warn and Block on the same value',
    device: windows,
    url: 'https://same.example/',
    indicators: [
      indicator({ indicatorType: 'DomainName', indicatorValue: 'same.example', action: 'Block' }),
      indicator({ indicatorType: 'DomainName', indicatorValue: 'same.example', action: 'Allowed' }),
      indicator({ indicatorType: 'DomainName', indicatorValue: 'same.example', action: 'Warn' }),
    ],
    expected: 'allowed',
  },
  {
    name: 'Warn beats Block on the same value',
    device: windows,
    url: 'https://same.example/',
    indicators: [
      indicator({ indicatorType: 'DomainName', indicatorValue: 'same.example', action: 'Block' }),
      indicator({ indicatorType: 'DomainName', indicatorValue: 'same.example', action: 'Warn' }),
    ],
    expected: 'warned',
  },
  {
    name: 'the longer URL path wins over a shorter one',
    device: windows,
    url: 'http://support.example/office/setup',
    indicators: [
      indicator({ indicatorType: 'Url', indicatorValue: 'http://support.example/', action: 'Allowed' }),
      indicator({ indicatorType: 'Url', indicatorValue: 'http://support.example/office', action: 'Block' }),
    ],
    expected: 'blocked',
  },
  {
    name: 'an indicator scoped to another device group does not apply',
    device: android,
    url: 'https://evil.example/',
    indicators: [
      indicator({ indicatorType: 'DomainName', indicatorValue: 'evil.example', rbacGroupNames: ['Windows'] }),
    ],
    expected: 'allowed',
  },
  {
    name: 'an indicator scoped to the device group applies',
    device: android,
    url: 'https://evil.example/',
    indicators: [
      indicator({ indicatorType: 'DomainName', indicatorValue: 'evil.example', rbacGroupNames: ['Android'] }),
    ],
    expected: 'blocked',
  },
  {
    name: 'an Audit indicator audits',
    device: windows,
    url: 'https://watch.example/',
    indicators: [
      indicator({ indicatorType: 'DomainName', indicatorValue: 'watch.example', action: 'Audit' }),
    ],
    expected: 'audited',
  },
  {
    name: 'a file hash indicator never matches a URL visit',
    device: android,
    url: 'https://evil.example/',
    indicators: [indicator({ indicatorType: 'FileSha256', indicatorValue: 'a'.repeat(64) })],
    expected: 'allowed',
  },
];

describe('decideVisit', () => {
  for (const row of rows) {
    it(row.name, () => {
      const result = decideVisit(
        row.device,
        {
          url: new URL(row.url),
          ...(row.remoteIp === undefined ? {} : { remoteIp: row.remoteIp }),
          ...(row.browser === undefined ? {} : { browser: row.browser }),
        },
        row.indicators,
        { mobileIpIndicators: row.mobileIpIndicators ?? false },
      );
      assert.equal(result.decision, row.expected);
    });
  }

  it('names the winning indicator', () => {
    const allow = indicator({
      indicatorType: 'DomainName',
      indicatorValue: 'pick.example',
      action: 'Allowed',
    });
    const block = indicator({ indicatorType: 'DomainName', indicatorValue: 'pick.example', action: 'Block' });
    const result = decideVisit(windows, { url: new URL('https://pick.example/') }, [block, allow]);
    assert.equal(result.indicator?.id, allow.id);
  });
});
