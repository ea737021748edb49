import assert from 'node:assert/strict';
import { validateValue, validateValues, validatePaste } from '../../bot/indicators/validateValue';
import type { IndicatorType } from '../../bot/indicators/types';
import { context } from './fixtures';

function codes(result: { findings: { code: string }[] }): string[] {
  return result.findings.map((f) => f.code);
}

describe('validateValue', () => {
  describe('refanging and normalisation', () => {
    const cases: { name: string; input: string; type: IndicatorType; value: string }[] = [
      {
        name: 'hxxps and [.] are refanged in a URL',
        input: 'hxxps://evil[.]example[.]com/path',
        type: 'Url',
        value: 'https://evil.example.com/path',
      },
      {
        name: 'a defanged IPv4 address is refanged',
        input: '1.2.3[.]4',
        type: 'IpAddress',
        value: '1.2.3.4',
      },
      {
        name: '(.) and {.} are refanged',
        input: 'evil(.)example{.}com',
        type: 'DomainName',
        value: 'evil.example.com',
      },
      {
        name: '[dot] is refanged',
        input: 'evil[dot]example[dot]com',
        type: 'DomainName',
        value: 'evil.example.com',
      },
      {
        name: '[:] in the scheme is refanged',
        input: 'hxxp[:]//evil.example.com/a',
        type: 'Url',
        value: 'http://evil.example.com/a',
      },
      {
        name: 'surrounding angle brackets are removed',
        input: '<evil.example.com>',
        type: 'DomainName',
        value: 'evil.example.com',
      },
      {
        name: 'surrounding quotes are removed',
        input: '"evil.example.com"',
        type: 'DomainName',
        value: 'evil.example.com',
      },
      {
        name: 'typographic quotes are removed',
        input: '“evil.example.com”',
        type: 'DomainName',
        value: 'evil.example.com',
      },
      {
        name: 'zero-width characters are removed',
        input: 'evil\u200b.example.com',
        type: 'DomainName',
        value: 'evil.example.com',
      },
      {
        name: 'the host is lower-cased',
        input: 'EVIL.Example.COM',
        type: 'DomainName',
        value: 'evil.example.com',
      },
      {
        name: 'a trailing root dot is dropped from a domain',
        input: 'evil.example.com.',
        type: 'DomainName',
        value: 'evil.example.com',
      },
      {
        name: 'an IDN is converted to punycode',
        input: 'bücher.de',
        type: 'DomainName',
        value: 'xn--bcher-kva.de',
      },
      {
        name: 'an IDN host in a URL is converted to punycode',
        input: 'https://bücher.de/x',
        type: 'Url',
        value: 'https://xn--bcher-kva.de/x',
      },
      {
        name: 'the default HTTPS port is removed',
        input: 'https://evil.example.com:443/a',
        type: 'Url',
        value: 'https://evil.example.com/a',
      },
      {
        name: 'the default HTTP port is removed',
        input: 'http://evil.example.com:80/a',
        type: 'Url',
        value: 'http://evil.example.com/a',
      },
      {
        name: 'a non-default port is kept',
        input: 'http://evil.example.com:8080/a',
        type: 'Url',
        value: 'http://evil.example.com:8080/a',
      },
      {
        name: 'the scheme and host of a URL are lower-cased but the path is kept',
        input: 'HTTPS://EVIL.example.com/Login',
        type: 'Url',
        value: 'https://evil.example.com/Login',
      },
      {
        name: 'a bare slash after the host is dropped',
        input: 'https://evil.example.com/',
        type: 'Url',
        value: 'https://evil.example.com',
      },
      {
        name: 'the fragment of a URL is removed',
        input: 'https://evil.example.com/a#top',
        type: 'Url',
        value: 'https://evil.example.com/a',
      },
      {
        name: 'the query string of a URL is kept',
        input: 'https://evil.example.com/a?b=1',
        type: 'Url',
        value: 'https://evil.example.com/a?b=1',
      },
      {
        name: 'IPv6 is written in full 8-segment form',
        input: '2001:4860:4860::8888',
        type: 'IpAddress',
        value: '2001:4860:4860:0:0:0:0:8888',
      },
      {
        name: 'an IPv6 address in brackets is accepted',
        input: '[2001:4860:4860::8844]',
        type: 'IpAddress',
        value: '2001:4860:4860:0:0:0:0:8844',
      },
      {
        name: 'an MD5 hash is lower-cased',
        input: 'AABBCCDDEEFF00112233445566778899',
        type: 'FileMd5',
        value: 'aabbccddeeff00112233445566778899',
      },
      {
        name: 'a 40-hex value is classified as SHA-1',
        input: 'deadbeafb263b10b284405889fb25dcc3bf1aebb',
        type: 'FileSha1',
        value: 'deadbeafb263b10b284405889fb25dcc3bf1aebb',
      },
      {
        name: 'a 64-hex value is classified as SHA-256',
        input: 'deadbeafd034a66599407e2fa2ccaf15d11f1079fc0d012bb7b2b8ce66673689',
        type: 'FileSha256',
        value: 'deadbeafd034a66599407e2fa2ccaf15d11f1079fc0d012bb7b2b8ce66673689',
      },
      {
        name: 'a colon-separated 20-byte thumbprint is classified as a certificate',
        input: 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01',
        type: 'CertificateThumbprint',
        value: 'abcdef0123456789abcdef0123456789abcdef01',
      },
      {
        name: 'a sha256: prefix names the hash type',
        input: 'sha256:DEADBEAFD034A66599407E2FA2CCAF15D11F1079FC0D012BB7B2B8CE66673689',
        type: 'FileSha256',
        value: 'deadbeafd034a66599407e2fa2ccaf15d11f1079fc0d012bb7b2b8ce66673689',
      },
      {
        name: 'credentials before @ are dropped from a URL',
        input: 'http://paypal.com@evil.example.com/x',
        type: 'Url',
        value: 'http://evil.example.com/x',
      },
      {
        name: 'a host with a path and no scheme is a URL kept without a scheme',
        input: 'evil.example.com/login',
        type: 'Url',
        value: 'evil.example.com/login',
      },
    ];
    for (const c of cases) {
      it(`${c.name}`, () => {
        const result = validateValue(c.input, context());
        assert.equal(result.type, c.type);
        assert.equal(result.value, c.value);
        assert.notEqual(result.verdict, 'error');
      });
    }
  });

  describe('type hints', () => {
    const cases: {
      name: string;
      input: string;
      hint: IndicatorType;
      type?: IndicatorType;
      value?: string;
      code?: string;
    }[] = [
      {
        name: 'a 40-hex value with the cert hint is a certificate thumbprint',
        input: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
        hint: 'CertificateThumbprint',
        type: 'CertificateThumbprint',
        value: 'abcdef0123456789abcdef0123456789abcdef01',
      },
      {
        name: 'a SHA-256 given as md5 is refused with the real type named',
        input: 'deadbeafd034a66599407e2fa2ccaf15d11f1079fc0d012bb7b2b8ce66673689',
        hint: 'FileMd5',
        code: 'hashLengthMismatch',
      },
      {
        name: 'a 64-hex certificate thumbprint is refused because Defender takes SHA-1 thumbprints',
        input: 'deadbeafd034a66599407e2fa2ccaf15d11f1079fc0d012bb7b2b8ce66673689',
        hint: 'CertificateThumbprint',
        code: 'invalidThumbprint',
      },
      {
        name: 'a URL without a path given as a domain becomes its host',
        input: 'https://evil.example.com',
        hint: 'DomainName',
        type: 'DomainName',
        value: 'evil.example.com',
      },
      {
        name: 'a URL with a path given as a domain is refused',
        input: 'https://evil.example.com/x',
        hint: 'DomainName',
        code: 'typeMismatch',
      },
      {
        name: 'an IP address given as a domain is refused',
        input: '8.8.8.8',
        hint: 'DomainName',
        code: 'typeMismatch',
      },
      {
        name: 'a domain given as an IP is refused',
        input: 'evil.example.com',
        hint: 'IpAddress',
        code: 'typeMismatch',
      },
      {
        name: 'a bare domain given as a URL is a scheme-less URL',
        input: 'evil.example.com',
        hint: 'Url',
        type: 'Url',
        value: 'evil.example.com',
      },
      {
        name: 'a hash given as a URL is refused',
        input: 'deadbeafb263b10b284405889fb25dcc3bf1aebb',
        hint: 'Url',
        code: 'typeMismatch',
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const result = validateValue(c.input, context({ typeHint: c.hint }));
        if (c.code) {
          assert.equal(result.verdict, 'error');
          assert.ok(codes(result).includes(c.code), codes(result).join());
        } else {
          assert.equal(result.type, c.type);
          assert.equal(result.value, c.value);
        }
      });
    }
  });

  describe('refusals', () => {
    const cases: { name: string; input: string; code: string }[] = [
      {
        name: 'the internal Defender address 245.245.0.1 is refused',
        input: '245.245.0.1',
        code: 'defenderInternalIp',
      },
      { name: 'a private 10/8 address is refused', input: '10.0.0.1', code: 'nonPublicIp' },
      { name: 'a private 172.16/12 address is refused', input: '172.16.5.4', code: 'nonPublicIp' },
      { name: 'a private 192.168/16 address is refused', input: '192.168.1.1', code: 'nonPublicIp' },
      { name: 'a loopback address is refused', input: '127.0.0.1', code: 'nonPublicIp' },
      { name: 'a link-local address is refused', input: '169.254.10.10', code: 'nonPublicIp' },
      { name: 'a carrier-grade NAT address is refused', input: '100.64.1.1', code: 'nonPublicIp' },
      { name: 'a documentation address is refused', input: '203.0.113.7', code: 'nonPublicIp' },
      { name: 'a benchmarking address is refused', input: '198.18.0.1', code: 'nonPublicIp' },
      { name: 'a multicast address is refused', input: '224.0.0.251', code: 'nonPublicIp' },
      { name: 'the broadcast address is refused', input: '255.255.255.255', code: 'nonPublicIp' },
      { name: 'a 0/8 address is refused', input: '0.1.2.3', code: 'nonPublicIp' },
      { name: 'a reserved 240/4 address is refused', input: '240.1.2.3', code: 'nonPublicIp' },
      { name: 'an octet with a leading zero is refused as ambiguous', input: '08.8.8.8', code: 'invalidIp' },
      { name: 'an octet above 255 is refused', input: '8.8.8.256', code: 'invalidIp' },
      { name: 'the IPv6 loopback is refused', input: '::1', code: 'nonPublicIp' },
      { name: 'an IPv6 link-local address is refused', input: 'fe80::1', code: 'nonPublicIp' },
      { name: 'an IPv6 unique-local address is refused', input: 'fd12:3456::1', code: 'nonPublicIp' },
      { name: 'the IPv6 documentation range is refused', input: '2001:db8::1', code: 'nonPublicIp' },
      { name: 'an IPv6 multicast address is refused', input: 'ff02::1', code: 'nonPublicIp' },
      {
        name: 'an IPv4-mapped IPv6 address is refused with the IPv4 form suggested',
        input: '::ffff:8.8.8.8',
        code: 'ipv4MappedIp',
      },
      { name: 'an IPv6 zone index is refused', input: 'fe80::1%eth0', code: 'invalidIp' },
      { name: 'an IPv6 address outside 2000::/3 is refused', input: '4000::1', code: 'nonPublicIp' },
      { name: 'an IPv4 CIDR block is refused', input: '8.8.8.0/24', code: 'cidrNotSupported' },
      { name: 'an IPv6 CIDR block is refused', input: '2001:4860::/32', code: 'cidrNotSupported' },
      { name: 'an IP range is refused', input: '8.8.8.1-8.8.8.9', code: 'ipRangeNotSupported' },
      { name: 'a short IP range is refused', input: '8.8.8.1-9', code: 'ipRangeNotSupported' },
      { name: 'an IP wildcard is refused', input: '8.8.8.*', code: 'wildcardNotSupported' },
      { name: 'a domain wildcard is refused', input: '*.evil.example.com', code: 'wildcardNotSupported' },
      {
        name: 'a wildcard in a URL host is refused',
        input: 'https://*.evil.example.com/x',
        code: 'wildcardNotSupported',
      },
      {
        name: 'a wildcard at the end of a URL path is refused',
        input: 'https://evil.example.com/x/*',
        code: 'wildcardNotSupported',
      },
      { name: 'a public suffix is refused', input: 'co.uk', code: 'publicSuffix' },
      { name: 'a private public suffix from the PSL is refused', input: 'github.io', code: 'publicSuffix' },
      { name: 'a TLD-only entry is refused', input: 'com', code: 'topLevelDomain' },
      { name: 'a URL on a public suffix is refused', input: 'https://co.uk/x', code: 'publicSuffix' },
      { name: 'a .local name is refused', input: 'printer.local', code: 'internalName' },
      { name: 'a .internal name is refused', input: 'app.corp.internal', code: 'internalName' },
      { name: 'a single-label name is refused', input: 'intranet', code: 'singleLabelName' },
      { name: 'an IP written in hex is refused as disguised', input: '0x7f.1', code: 'disguisedIp' },
      { name: 'an ftp URL is refused', input: 'ftp://evil.example.com/file', code: 'unsupportedScheme' },
      { name: 'a javascript URL is refused', input: 'javascript://alert(1)', code: 'unsupportedScheme' },
      {
        name: 'a URL with a private IP host is refused',
        input: 'http://192.168.0.1/admin',
        code: 'nonPublicIp',
      },
      {
        name: 'a label with invalid characters is refused',
        input: 'ev!l.example.com',
        code: 'invalidDomain',
      },
      { name: 'a domain with an empty label is refused', input: 'evil..example.com', code: 'invalidDomain' },
      {
        name: 'a hash of an odd length is refused',
        input: 'deadbeafb263b10b284405889fb25dcc3bf1aeb',
        code: 'invalidHash',
      },
      { name: 'an all-zero hash is refused', input: '00000000000000000000000000000000', code: 'invalidHash' },
      { name: 'an empty value is refused', input: '   ', code: 'empty' },
      {
        name: 'a value over the length limit is refused',
        input: `https://evil.example.com/${'a'.repeat(5000)}`,
        code: 'tooLong',
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const result = validateValue(c.input, context());
        assert.equal(result.verdict, 'error');
        assert.ok(codes(result).includes(c.code), `${codes(result).join()} for ${c.input}`);
        assert.equal(result.value, undefined);
      });
    }

    it('a CIDR refusal says what to do instead', () => {
      const finding = validateValue('8.8.8.0/24', context()).findings[0];
      assert.match(finding?.suggestion ?? '', /individual addresses/);
    });

    it('a domain wildcard refusal suggests the domain itself, which covers subdomains', () => {
      const finding = validateValue('*.evil.example.com', context()).findings[0];
      assert.match(finding?.suggestion ?? '', /evil\.example\.com.*covers all of its subdomains/);
    });
  });

  describe('warnings on values that may proceed', () => {
    it('the hash of an empty file is a warning', () => {
      const result = validateValue('d41d8cd98f00b204e9800998ecf8427e', context());
      assert.equal(result.verdict, 'warning');
      assert.ok(codes(result).includes('emptyFileHash'));
    });

    it('a URL without a scheme is a warning that says how it is submitted', () => {
      const result = validateValue('evil.example.com/login', context());
      assert.ok(codes(result).includes('urlNoScheme'));
    });

    it('a URL with credentials is a warning that names the real host', () => {
      const result = validateValue('http://paypal.com@evil.example.com/x', context());
      assert.match(
        result.findings.find((f) => f.code === 'urlCredentials')?.message ?? '',
        /evil\.example\.com/,
      );
    });

    it('an unknown top-level domain is a warning', () => {
      const result = validateValue('evil.notarealtldzz', context());
      assert.equal(result.verdict, 'warning');
      assert.ok(codes(result).includes('unknownTld'));
    });

    it('a plain external domain blocked on all devices is ok', () => {
      const result = validateValue('evil.example.com', context());
      assert.equal(result.verdict, 'ok');
      assert.deepEqual(result.findings, []);
    });
  });

  describe('actions by type', () => {
    it('Block and remediate on a domain is refused', () => {
      const result = validateValue('evil.example.com', context({ action: 'blockAndRemediate' }));
      assert.ok(codes(result).includes('actionNotSupported'));
    });

    it('Audit on a certificate is refused', () => {
      const result = validateValue(
        'abcdef0123456789abcdef0123456789abcdef01',
        context({ action: 'audit', typeHint: 'CertificateThumbprint' }),
      );
      assert.ok(codes(result).includes('actionNotSupported'));
    });

    it('Block on a certificate is submitted as BlockAndRemediate with a warning', () => {
      const result = validateValue(
        'abcdef0123456789abcdef0123456789abcdef01',
        context({ typeHint: 'CertificateThumbprint' }),
      );
      assert.equal(result.apiAction, 'BlockAndRemediate');
      assert.ok(codes(result).includes('certificateBlockRemediates'));
    });

    it('Allow on a domain is submitted as Allowed', () => {
      assert.equal(validateValue('good.example.com', context({ action: 'allow' })).apiAction, 'Allowed');
    });

    it('Block and remediate on a file hash is submitted as BlockAndRemediate', () => {
      const result = validateValue(
        'deadbeafb263b10b284405889fb25dcc3bf1aebb',
        context({ action: 'blockAndRemediate' }),
      );
      assert.equal(result.apiAction, 'BlockAndRemediate');
    });
  });

  describe('guardrails', () => {
    const refused: { name: string; input: string }[] = [
      { name: 'blocking a tenant domain is refused', input: 'contoso.com' },
      { name: 'blocking a subdomain of a tenant domain is refused', input: 'mail.contoso.com' },
      { name: 'blocking a configured protected domain is refused', input: 'partner-portal.example.org' },
      {
        name: 'blocking the parent of a protected domain is refused because a domain covers its subdomains',
        input: 'example.org',
      },
      { name: 'blocking Microsoft sign-in is refused', input: 'login.microsoftonline.com' },
      {
        name: 'blocking microsoft.com is refused because it covers Entra, Graph and Teams endpoints',
        input: 'microsoft.com',
      },
      { name: 'blocking the Teams service is refused', input: 'teams.microsoft.com' },
      { name: 'blocking the Bot Framework service is refused', input: 'smba.trafficmanager.net' },
      { name: 'blocking the Defender API is refused', input: 'api.security.microsoft.com' },
      {
        name: 'blocking a URL on Microsoft sign-in is refused',
        input: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      },
      { name: 'blocking a defanged protected domain is refused', input: 'login[.]microsoftonline[.]com' },
    ];
    for (const c of refused) {
      it(c.name, () => {
        const result = validateValue(c.input, context());
        assert.equal(result.verdict, 'error');
        assert.ok(codes(result).includes('protectedDomain'), codes(result).join());
      });
    }

    it('warning on a protected domain is refused like blocking', () => {
      assert.ok(codes(validateValue('contoso.com', context({ action: 'warn' }))).includes('protectedDomain'));
    });

    it('allowing a protected domain is not refused', () => {
      assert.ok(
        !codes(validateValue('contoso.com', context({ action: 'allow' }))).includes('protectedDomain'),
      );
    });

    it('auditing a protected domain is not refused', () => {
      assert.ok(
        !codes(validateValue('contoso.com', context({ action: 'audit' }))).includes('protectedDomain'),
      );
    });

    it('a lookalike that merely ends with a protected name is not protected', () => {
      assert.equal(validateValue('evilcontoso.com', context()).verdict, 'ok');
    });

    it('a sibling host of a protected endpoint under a shared parent is not protected', () => {
      assert.equal(validateValue('evil.trafficmanager.net', context()).verdict, 'ok');
    });

    it('a URL on the parent of a protected domain is allowed because a URL does not cover subdomains', () => {
      assert.ok(!codes(validateValue('https://example.org/phish', context())).includes('protectedDomain'));
    });
  });

  describe('platform effectiveness and scope', () => {
    it('an IP on all devices is a warning that iOS and Android do not enforce it', () => {
      const result = validateValue('8.8.8.8', context());
      assert.equal(result.verdict, 'warning');
      assert.ok(codes(result).includes('notEnforcedOnPlatform'));
      assert.deepEqual(
        result.effectiveness.filter((e) => e.enforced === 'no').map((e) => e.platform),
        ['iOS', 'Android'],
      );
    });

    it('an IP for a mobile-only group is refused because nothing in scope enforces it', () => {
      const result = validateValue('8.8.8.8', context({ scope: { kind: 'groups', groups: ['Mobile'] } }));
      assert.ok(codes(result).includes('notEnforcedInScope'));
    });

    it('a file hash for a mobile-only group is refused', () => {
      const result = validateValue(
        'deadbeafb263b10b284405889fb25dcc3bf1aebb',
        context({ scope: { kind: 'groups', groups: ['Android phones'] } }),
      );
      assert.equal(result.verdict, 'error');
      assert.ok(codes(result).includes('notEnforcedInScope'));
    });

    it('a certificate for a mobile-only group is refused', () => {
      const result = validateValue(
        'abcdef0123456789abcdef0123456789abcdef01',
        context({
          typeHint: 'CertificateThumbprint',
          action: 'allow',
          scope: { kind: 'groups', groups: ['Mobile'] },
        }),
      );
      assert.ok(codes(result).includes('notEnforcedInScope'));
    });

    it('a file hash on all devices is ok because desktops enforce it', () => {
      assert.equal(validateValue('deadbeafb263b10b284405889fb25dcc3bf1aebb', context()).verdict, 'ok');
    });

    it('an HTTPS URL path is only partly enforced outside Edge', () => {
      const result = validateValue('https://evil.example.com/kit', context());
      assert.ok(codes(result).includes('partlyEnforced'));
      assert.equal(result.effectiveness.find((e) => e.platform === 'Windows')?.enforced, 'partial');
    });

    it('an HTTP URL path is enforced in every browser on Windows', () => {
      const result = validateValue('http://evil.example.com/kit', context());
      assert.equal(result.effectiveness.find((e) => e.platform === 'Windows')?.enforced, 'yes');
    });

    it('a URL path on iOS is partial because unsupervised iOS sees only the domain', () => {
      const result = validateValue('http://evil.example.com/kit', context());
      assert.equal(result.effectiveness.find((e) => e.platform === 'iOS')?.enforced, 'partial');
    });

    it('a domain is enforced on every platform', () => {
      const result = validateValue('evil.example.com', context());
      assert.ok(result.effectiveness.every((e) => e.enforced === 'yes'));
      assert.equal(result.effectiveness.length, 5);
    });

    it('the matrix is overridable, for example to enforce IPs on mobile as older docs said', () => {
      const result = validateValue(
        '8.8.8.8',
        context({ effectivenessMatrix: { ip: { iOS: { enforced: 'yes' }, Android: { enforced: 'yes' } } } }),
      );
      assert.equal(result.verdict, 'ok');
    });

    it('an unknown device group is refused with the known groups listed', () => {
      const result = validateValue(
        'evil.example.com',
        context({ scope: { kind: 'groups', groups: ['Nope'] } }),
      );
      const finding = result.findings.find((f) => f.code === 'unknownGroup');
      assert.match(finding?.suggestion ?? '', /Windows servers/);
    });

    it('a device group is matched case-insensitively and written in its known spelling', () => {
      const result = validateValue(
        'evil.example.com',
        context({ scope: { kind: 'groups', groups: ['windows SERVERS'] } }),
      );
      assert.deepEqual(result.scope, { kind: 'groups', groups: ['Windows servers'] });
      assert.equal(result.verdict, 'ok');
    });

    it('an empty group list is refused', () => {
      assert.ok(
        codes(validateValue('evil.example.com', context({ scope: { kind: 'groups', groups: [] } }))).includes(
          'noGroups',
        ),
      );
    });

    it('groups cannot be verified without known groups, which is a warning', () => {
      const result = validateValue(
        'evil.example.com',
        context({ knownGroups: [], scope: { kind: 'groups', groups: ['X'] } }),
      );
      assert.ok(codes(result).includes('groupsUnverified'));
      assert.equal(result.verdict, 'warning');
    });
  });

  describe('several values', () => {
    it('a value repeated in one request gets a duplicate warning on the second', () => {
      const results = validateValues(['evil.example.com', 'EVIL.example.com'], context());
      assert.equal(results[0]?.verdict, 'ok');
      assert.ok(codes(results[1] ?? { findings: [] }).includes('duplicateInRequest'));
    });

    it('a paste of 200 values one per line gives 200 verdicts', () => {
      const text = Array.from({ length: 200 }, (_, i) => `host${i}.evil.example.com`).join('\n');
      const results = validatePaste(text, context());
      assert.equal(results.length, 200);
      assert.ok(results.every((r) => r.verdict === 'ok'));
    });
  });
});
