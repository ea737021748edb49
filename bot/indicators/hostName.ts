/**
 * Domain and URL indicator values: lower-case host, IDN to punycode, default port removed, and no public
 * suffixes, TLD-only entries, internal names or wildcards (SPEC §5, reference §4), using the Public Suffix List
 * through `tldts`.
 */
import { domainToASCII } from 'node:url';
import { parse as parseDomain } from 'tldts';
import { checkIp, looksLikeIp } from './ipAddress';

/** Outcome of checking a host, domain or URL. */
export type HostCheck =
  | { ok: true; value: string; notes: string[]; warnings: { code: string; message: string }[] }
  | { ok: false; code: string; message: string; suggestion?: string };

/** Top-level names reserved for internal use or never delegated on the internet. */
const INTERNAL_TLDS = new Set([
  'local',
  'localhost',
  'localdomain',
  'internal',
  'intranet',
  'corp',
  'home',
  'lan',
  'private',
  'test',
  'invalid',
  'example',
  'onion',
  'alt',
  'arpa',
]);

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** Parts of a URL as understood, for effectiveness and guardrails. */
export interface UrlParts {
  scheme: 'http' | 'https' | undefined;
  host: string;
  hostIsIp: boolean;
  /** True when the URL has a path beyond `/` or a query string. */
  hasPath: boolean;
}

/**
 * Checks a domain name and returns it lower-cased and in punycode. A trailing root dot is dropped.
 */
export function checkDomain(input: string): HostCheck {
  const notes: string[] = [];
  let text = input.trim();
  if (text.endsWith('.') && !text.endsWith('..')) text = text.slice(0, -1);
  if (text.includes('*')) {
    const base = text.replace(/^(?:\*\.)+/, '');
    return {
      ok: false,
      code: 'wildcardNotSupported',
      message: `"${input}" uses a wildcard; Defender indicators do not support wildcards.`,
      suggestion:
        base && !base.includes('*')
          ? `Submit ${base}: a domain indicator already covers all of its subdomains.`
          : 'Submit the domain itself: a domain indicator covers all of its subdomains.',
    };
  }
  if (!text) return { ok: false, code: 'invalidDomain', message: 'The value is empty.' };
  if (/[\s/\\?#@:<>"'`{}|^%]/.test(text)) {
    return {
      ok: false,
      code: 'invalidDomain',
      message: `"${input}" contains characters a domain name cannot have.`,
    };
  }
  const ascii = domainToASCII(text);
  if (!ascii) {
    return { ok: false, code: 'invalidDomain', message: `"${input}" is not a valid domain name.` };
  }
  if (looksLikeIp(ascii)) {
    return {
      ok: false,
      code: 'disguisedIp',
      message: `"${input}" is an IP address written in an unusual form (${ascii}); submit it as an IP address.`,
    };
  }
  if (ascii !== text.toLowerCase()) {
    notes.push(
      /xn--/.test(ascii) && !/xn--/i.test(text)
        ? `IDN converted to punycode: ${ascii}`
        : `normalised to ${ascii}`,
    );
  } else if (ascii !== text) {
    notes.push('host lower-cased');
  }
  return checkAsciiHost(ascii, input, notes);
}

function checkAsciiHost(ascii: string, input: string, notes: string[]): HostCheck {
  if (ascii.length > 253) {
    return { ok: false, code: 'invalidDomain', message: 'The domain name is longer than 253 characters.' };
  }
  const labels = ascii.split('.');
  if (labels.length < 2) {
    const suffix = parseDomain(ascii, { extractHostname: false });
    if (TLD.test(ascii) && suffix.isIcann && suffix.publicSuffix === ascii) {
      return {
        ok: false,
        code: 'topLevelDomain',
        message: `"${input}" is a top-level domain: an indicator for it would cover every site under .${ascii}.`,
        suggestion: `Name the registered domain or host, e.g. example.${ascii}.`,
      };
    }
    return {
      ok: false,
      code: 'singleLabelName',
      message: `"${input}" is a single-label name, not an internet domain; Defender network indicators apply to external names.`,
    };
  }
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined) {
    return {
      ok: false,
      code: 'invalidDomain',
      message:
        bad === ''
          ? `"${input}" has an empty label (two dots in a row).`
          : `"${input}" has an invalid label "${bad}" (letters, digits and inner hyphens only, at most 63 characters).`,
    };
  }
  const tld = labels[labels.length - 1] ?? '';
  if (!TLD.test(tld)) {
    return {
      ok: false,
      code: 'invalidDomain',
      message: `"${input}" does not end in a valid top-level domain.`,
    };
  }
  if (INTERNAL_TLDS.has(tld) || ascii.endsWith('.home.arpa')) {
    return {
      ok: false,
      code: 'internalName',
      message: `.${tld} is reserved for internal or special use; Defender network indicators apply to internet names only.`,
    };
  }
  const parsed = parseDomain(ascii, { allowPrivateDomains: true, extractHostname: false });
  const warnings: { code: string; message: string }[] = [];
  if (parsed.publicSuffix === ascii || parsed.domain === null) {
    return {
      ok: false,
      code: 'publicSuffix',
      message: `${ascii} is a public suffix (Public Suffix List): an indicator for it would cover every site registered under it.`,
      suggestion: `Name the registered domain or host, e.g. example.${ascii}.`,
    };
  }
  if (!parsed.isIcann && !parsed.isPrivate) {
    warnings.push({
      code: 'unknownTld',
      message: `.${tld} is not in the Public Suffix List this bot knows; check the spelling.`,
    });
  }
  return { ok: true, value: ascii, notes, warnings };
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Checks a URL. Only http and https are accepted; a URL without a scheme is kept without one. The host is
 * checked like a domain (or an IP), the default port and fragment are removed, credentials before `@` dropped.
 */
export function checkUrl(input: string): HostCheck & { parts?: UrlParts } {
  const first = normaliseUrl(input);
  if (!first.ok) return first;
  const second = normaliseUrl(first.value);
  if (!second.ok || second.value !== first.value) {
    return {
      ok: false,
      code: 'invalidUrl',
      message: `"${input}" cannot be normalised to a stable URL; check it for stray characters.`,
    };
  }
  return first;
}

function normaliseUrl(input: string): HostCheck & { parts?: UrlParts } {
  const text = input.trim();
  const schemeMatch = SCHEME.exec(text);
  const scheme = schemeMatch?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    return {
      ok: false,
      code: 'unsupportedScheme',
      message: `${scheme}: URLs cannot be indicators; Defender URL indicators are http or https.`,
      suggestion: 'Block the host as a domain instead.',
    };
  }
  if (/\s/.test(text)) {
    return { ok: false, code: 'invalidUrl', message: `"${input}" contains spaces; a URL cannot.` };
  }
  const rest = scheme === undefined ? text : text.slice(schemeMatch?.[0].length ?? 0);
  const hostPart = (/^[^/?#\\]*/.exec(rest)?.[0] ?? '').replace(/^.*@/, '');
  if (hostPart.includes('*') || /\/\*|\*$/.test(rest)) {
    const base = hostPart.replace(/^(?:\*\.)+/, '');
    return {
      ok: false,
      code: 'wildcardNotSupported',
      message: `"${input}" uses a wildcard; Defender indicators do not support wildcards.`,
      suggestion: hostPart.includes('*')
        ? `Submit the domain ${base || 'itself'}: a domain indicator covers all of its subdomains.`
        : 'Drop the *: a URL indicator already matches everything under its path.',
    };
  }
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `http://${text}` : text);
  } catch {
    return { ok: false, code: 'invalidUrl', message: `"${input}" is not a valid URL.` };
  }
  const notes: string[] = [];
  const warnings: { code: string; message: string }[] = [];
  if (url.username || url.password) {
    warnings.push({
      code: 'urlCredentials',
      message: `The part before "@" is not the host: this URL really goes to ${url.hostname}; the credentials were removed.`,
    });
    url.username = '';
    url.password = '';
  }
  let host = url.hostname;
  let hostIsIp = false;
  if (host.startsWith('[') || looksLikeIp(host)) {
    const ip = checkIp(host);
    if (!ip.ok) return { ok: false, code: ip.code, message: ip.message };
    hostIsIp = true;
    host = ip.version === 6 ? `[${ip.value}]` : ip.value;
  } else {
    const domain = checkAsciiHost(host, host, []);
    if (!domain.ok) return domain;
    warnings.push(...domain.warnings);
  }
  if (url.hash) notes.push('fragment (#…) removed: it never reaches the network');
  const path = url.pathname === '/' && !url.search ? '' : url.pathname;
  const port = url.port ? `:${url.port}` : '';
  const value = `${scheme === undefined ? '' : `${scheme}://`}${host}${port}${path}${url.search}`;
  if (value !== text) notes.push(`normalised to ${value}`);
  if (scheme === undefined) {
    warnings.push({
      code: 'urlNoScheme',
      message: `No scheme given; submitted as "${value}". Add https:// or http:// if you mean only one of them.`,
    });
  }
  return {
    ok: true,
    value,
    notes,
    warnings,
    parts: {
      scheme,
      host: hostIsIp ? host.replace(/^\[|\]$/g, '') : host,
      hostIsIp,
      hasPath: path !== '',
    },
  };
}

/** Whether a domain indicator for `domain` covers `host` (the host itself or any of its subdomains). */
export function domainCovers(domain: string, host: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}
