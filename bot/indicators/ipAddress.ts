/**
 * IPv4 and IPv6 indicator values: only single, external, globally routable addresses (reference §4).
 */
import ipaddr from 'ipaddr.js';

/** Defender's internal address; it must never be submitted (reference §4, §5.1). */
export const DEFENDER_INTERNAL_IP = '245.245.0.1';

/** Outcome of checking an IP value. */
export type IpCheck =
  { ok: true; value: string; version: 4 | 6 } | { ok: false; code: string; message: string };

const IPV4_SHAPE = /^\d{1,3}(?:\.\d{1,3}){3}$/;

const V4_RANGE_TEXT: Record<string, string> = {
  unspecified: 'an unspecified address (0.0.0.0/8)',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address (224.0.0.0/4)',
  linkLocal: 'a link-local address (169.254.0.0/16)',
  loopback: 'a loopback address (127.0.0.0/8)',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  private: 'a private address (RFC 1918)',
  reserved: 'a reserved or documentation address',
  as112: 'an AS112 DNS sink address',
  amt: 'an AMT relay anycast address',
};

const V6_RANGE_TEXT: Record<string, string> = {
  unspecified: 'the unspecified address (::)',
  linkLocal: 'a link-local address (fe80::/10)',
  multicast: 'a multicast address (ff00::/8)',
  loopback: 'the loopback address (::1)',
  uniqueLocal: 'a unique-local (private) address (fc00::/7)',
  ipv4Mapped: 'an IPv4-mapped address',
  deprecatedSiteLocal: 'a site-local address (fec0::/10)',
  discard: 'a discard-only address (100::/64)',
  rfc6145: 'an IPv4-translated address',
  rfc6052: 'a NAT64 address (64:ff9b::/96)',
  '6to4': 'a 6to4 relay address (2002::/16)',
  teredo: 'a Teredo tunnelling address (2001::/32)',
  benchmarking: 'a benchmarking address (2001:2::/48)',
  amt: 'an AMT address',
  as112v6: 'an AS112 DNS sink address',
  deprecatedOrchid: 'an ORCHID address',
  orchid2: 'an ORCHIDv2 address',
  droneRemoteIdProtocolEntityTags: 'a drone remote-ID tag address',
  segmentRouting: 'a segment-routing address (5f00::/16)',
  reserved: 'a reserved or documentation address',
};

const INTERNAL_HINT = 'Defender accepts only external IP addresses; internal addresses cannot be indicators.';

/** Whether the text is shaped like an IP address (so classification should treat it as one). */
export function looksLikeIp(text: string): boolean {
  const t = stripBrackets(text);
  return (
    IPV4_SHAPE.test(t) ||
    (t.includes(':') && /^[0-9a-f:.]+(?:%[\w.-]+)?$/i.test(t) && (t.match(/:/g) ?? []).length >= 2)
  );
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

/** Checks a single IP address; returns its normalised form (IPv4 dotted quad, IPv6 all 8 segments). */
export function checkIp(input: string): IpCheck {
  const text = stripBrackets(input.trim());
  if (IPV4_SHAPE.test(text)) return checkV4(text);
  if (text.includes('%')) {
    return {
      ok: false,
      code: 'invalidIp',
      message: `"${input}" has a zone index (%…); that is a link-local form.`,
    };
  }
  if (!ipaddr.IPv6.isValid(text)) {
    return { ok: false, code: 'invalidIp', message: `"${input}" is not a valid IP address.` };
  }
  const v6 = ipaddr.IPv6.parse(text);
  const range = v6.range();
  if (range === 'ipv4Mapped') {
    const v4 = v6.toIPv4Address().toString();
    return {
      ok: false,
      code: 'ipv4MappedIp',
      message: `"${input}" is an IPv4-mapped IPv6 address; submit the IPv4 address ${v4} instead.`,
    };
  }
  if (range !== 'unicast') {
    return {
      ok: false,
      code: 'nonPublicIp',
      message: `${v6.toNormalizedString()} is ${V6_RANGE_TEXT[range] ?? `in the special range "${range}"`}. ${INTERNAL_HINT}`,
    };
  }
  const first = v6.parts[0] ?? 0;
  // Only 2000::/3 is allocated as global unicast; 3fff::/20 is the IPv6 documentation range of RFC 9637.
  if (first < 0x2000 || first > 0x3fff || (first === 0x3fff && (v6.parts[1] ?? 0) < 0x1000)) {
    return {
      ok: false,
      code: 'nonPublicIp',
      message: `${v6.toNormalizedString()} is not in the global unicast space (2000::/3). ${INTERNAL_HINT}`,
    };
  }
  return { ok: true, value: v6.toNormalizedString(), version: 6 };
}

function checkV4(text: string): IpCheck {
  const octets = text.split('.');
  if (octets.some((o) => o.length > 1 && o.startsWith('0'))) {
    return {
      ok: false,
      code: 'invalidIp',
      message: `"${text}" has an octet with a leading zero, which some systems read as octal; write it without leading zeros.`,
    };
  }
  if (octets.some((o) => Number(o) > 255)) {
    return {
      ok: false,
      code: 'invalidIp',
      message: `"${text}" is not a valid IPv4 address (octets go up to 255).`,
    };
  }
  const v4 = ipaddr.IPv4.parse(text);
  const value = v4.toString();
  if (value === DEFENDER_INTERNAL_IP) {
    return {
      ok: false,
      code: 'defenderInternalIp',
      message: `${DEFENDER_INTERNAL_IP} is an internal Defender address; Microsoft says never to put it in an indicator (it breaks Defender on mobile devices).`,
    };
  }
  const range = v4.range();
  if (range !== 'unicast') {
    return {
      ok: false,
      code: 'nonPublicIp',
      message: `${value} is ${V4_RANGE_TEXT[range] ?? `in the special range "${range}"`}. ${INTERNAL_HINT}`,
    };
  }
  return { ok: true, value, version: 4 };
}

/** Recognises CIDR blocks, ranges and wildcards of IP addresses, which Defender does not support. */
export function ipPatternProblem(
  text: string,
): { code: string; message: string; suggestion: string } | undefined {
  const t = text.trim();
  const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/i.exec(t);
  if (cidr && looksLikeIp(cidr[1] ?? '')) {
    return {
      code: 'cidrNotSupported',
      message: `${t} is a CIDR block; Defender indicators take single IP addresses only.`,
      suggestion:
        'Submit the individual addresses you need (one per line), or block the range at your firewall.',
    };
  }
  const range = /^([0-9a-f:.]+)\s*-\s*([0-9a-f:.]+)$/i.exec(t);
  if (
    range &&
    looksLikeIp(range[1] ?? '') &&
    (looksLikeIp(range[2] ?? '') || /^\d{1,3}$/.test(range[2] ?? ''))
  ) {
    return {
      code: 'ipRangeNotSupported',
      message: `${t} is an IP range; Defender indicators take single IP addresses only.`,
      suggestion: 'List the individual addresses, one per line, or block the range at your firewall.',
    };
  }
  if (/^(?:(?:\d{1,3}|\*)\.){3}(?:\d{1,3}|\*)$/.test(t) && t.includes('*')) {
    return {
      code: 'wildcardNotSupported',
      message: `${t} uses a wildcard; Defender indicators do not support wildcards or ranges of IP addresses.`,
      suggestion: 'List the individual addresses, one per line, or block the range at your firewall.',
    };
  }
  return undefined;
}
