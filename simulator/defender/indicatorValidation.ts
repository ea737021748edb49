/**
 * Checks of a submitted indicator as the Defender API documents them (reference §1.3, §2.4, §4, §10.2–3).
 * Written from the documentation on its own: it shares no code with the bot's validator.
 */
import ipaddr from 'ipaddr.js';

/** Indicator types (reference §1.1). */
export const INDICATOR_TYPES = [
  'FileSha1',
  'FileSha256',
  'FileMd5',
  'CertificateThumbprint',
  'IpAddress',
  'DomainName',
  'Url',
] as const;

/** Actions the submit API accepts, including the legacy ones (reference §10.2). */
export const ACTIONS = [
  'Warn',
  'Block',
  'Audit',
  'Alert',
  'AlertAndBlock',
  'BlockAndRemediate',
  'Allowed',
] as const;

/** Severities (reference §1.1). */
export const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'] as const;

const NETWORK_TYPES = new Set(['IpAddress', 'DomainName', 'Url']);
const CERTIFICATE_ACTIONS = new Set(['Allowed', 'BlockAndRemediate', 'Alert', 'AlertAndBlock']);
const REQUIRED = ['indicatorValue', 'indicatorType', 'action', 'title', 'description'] as const;

/** A refusal: the Defender error code and message. */
export interface ValidationProblem {
  readonly code: string;
  readonly message: string;
}

/** A submitted indicator after checking, with the documented fields normalised. */
export interface ValidIndicatorInput {
  readonly id?: string;
  readonly indicatorValue: string;
  readonly indicatorType: string;
  readonly action: string;
  readonly title: string;
  readonly description: string;
  readonly application: string | null;
  readonly expirationTime: string | null;
  readonly severity: string | null;
  readonly recommendedActions: string | null;
  readonly rbacGroupNames: readonly string[];
  readonly generateAlert: boolean;
  readonly educateUrl: string | null;
  readonly externalId: string | null;
  readonly category: string | null;
  readonly mitreTechniques: readonly string[];
  readonly bypassDurationHours: number | null;
  readonly version: string | null;
  readonly certificateInfo: unknown;
  readonly historicalDetection: boolean;
  readonly lookBackPeriod: string | null;
}

type Result =
  | { readonly ok: true; readonly value: ValidIndicatorInput }
  | { readonly ok: false; readonly problem: ValidationProblem };

const fail = (code: string, message: string): Result => ({ ok: false, problem: { code, message } });

function optionalString(o: Record<string, unknown>, key: string): string | null | ValidationProblem {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string')
    return { code: 'InvalidInput', message: `Invalid input ${key}: must be a string.` };
  return v;
}

function isProblem(v: unknown): v is ValidationProblem {
  return typeof v === 'object' && v !== null && 'code' in v && 'message' in v;
}

/** Parses `generateAlert` given as a JSON boolean or as "True"/"False". */
function parseBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return undefined;
}

/** Whether `v` is a hash of `hexLength` hexadecimal digits. */
function isHex(v: string, hexLength: number): boolean {
  return v.length === hexLength && /^[0-9a-fA-F]+$/.test(v);
}

/** A host name of at least two labels, letters/digits/hyphens (punycode for IDN), no wildcard. */
export function isValidDomain(v: string): boolean {
  if (v.length === 0 || v.length > 253) return false;
  const labels = v.split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1] ?? '';
  if (!/^([a-zA-Z]{2,63}|xn--[a-zA-Z0-9-]{1,59})$/.test(tld)) return false;
  return labels.every((l) => /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(l));
}

/**
 * An external IP address: IPv4 dotted quad, or IPv6 with all 8 segments written (reference §4); no CIDR, ranges,
 * wildcards, private/reserved/loopback/link-local addresses, nor Defender's internal 245.245.0.1.
 */
export function ipProblem(v: string): string | undefined {
  if (/[/*]/.test(v) || v.includes('-')) return 'CIDR notation, ranges and wildcards are not supported';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(v)) return 'not a valid IPv4 address';
    if (v === '245.245.0.1') return '245.245.0.1 is an internal Defender IP address';
    const range = ipaddr.IPv4.parse(v).range();
    return range === 'unicast' ? undefined : `only external IP addresses are supported (${range})`;
  }
  if (v.includes(':')) {
    const segments = v.split(':');
    if (segments.length !== 8 || !segments.every((s) => /^[0-9a-fA-F]{1,4}$/.test(s))) {
      return 'IPv6 addresses must be written with all 8 segments';
    }
    const range = ipaddr.IPv6.parse(v).range();
    return range === 'unicast' ? undefined : `only external IP addresses are supported (${range})`;
  }
  return 'not an IP address';
}

/** A URL with an http(s) scheme or none, a valid host, and no wildcard. */
export function urlProblem(v: string): string | undefined {
  if (v.includes('*')) return 'wildcards are not supported';
  if (/\s/.test(v)) return 'URLs cannot contain white space';
  const hasScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(v);
  if (hasScheme && !/^https?:\/\//i.test(v)) return 'only http and https URLs are supported';
  let url: URL;
  try {
    url = new URL(hasScheme ? v : `http://${v}`);
  } catch {
    return 'the URL does not parse';
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isValidDomain(host) || ipProblem(host) === undefined) return undefined;
  return 'the URL host is not a valid domain name or external IP address';
}

/** Checks the value against its type; returns the Defender error, or undefined when the value is valid. */
export function valueProblem(type: string, value: string): ValidationProblem | undefined {
  switch (type) {
    case 'FileSha1':
    case 'CertificateThumbprint':
      return isHex(value, 40)
        ? undefined
        : { code: 'InvalidHashValue', message: `Hash value ${value} is invalid.` };
    case 'FileSha256':
      return isHex(value, 64)
        ? undefined
        : { code: 'InvalidHashValue', message: `Hash value ${value} is invalid.` };
    case 'FileMd5':
      return isHex(value, 32)
        ? undefined
        : { code: 'InvalidHashValue', message: `Hash value ${value} is invalid.` };
    case 'DomainName':
      return isValidDomain(value)
        ? undefined
        : { code: 'InvalidDomainName', message: `Domain name ${value} is invalid.` };
    case 'IpAddress': {
      const p = ipProblem(value);
      return p === undefined
        ? undefined
        : { code: 'InvalidIpAddress', message: `IP address ${value} is invalid: ${p}.` };
    }
    case 'Url': {
      const p = urlProblem(value);
      return p === undefined ? undefined : { code: 'InvalidUrl', message: `URL ${value} is invalid: ${p}.` };
    }
    default:
      return { code: 'InvalidInput', message: `Invalid input indicatorType ${type}.` };
  }
}

/**
 * Checks one submitted indicator body. Parameter names are case-sensitive (reference §1.3, `common-errors.md`).
 * @param now for the check that `expirationTime` lies in the future.
 * @param knownGroups device-group names that exist; undefined = do not check.
 */
export function validateIndicatorInput(input: unknown, now: Date, knownGroups?: readonly string[]): Result {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail('InvalidRequestBody', 'Request body is incorrect');
  }
  const o = input as Record<string, unknown>;
  for (const key of REQUIRED) {
    const v = o[key];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      return fail('MissingRequiredParameter', `Parameter ${key} is missing.`);
    }
    if (typeof v !== 'string') return fail('InvalidInput', `Invalid input ${key}: must be a string.`);
  }
  const indicatorType = o.indicatorType as string;
  const action = o.action as string;
  const indicatorValue = (o.indicatorValue as string).trim();
  if (!(INDICATOR_TYPES as readonly string[]).includes(indicatorType)) {
    return fail(
      'InvalidInput',
      `Invalid input indicatorType: '${indicatorType}' is not one of ${INDICATOR_TYPES.join(', ')}.`,
    );
  }
  if (!(ACTIONS as readonly string[]).includes(action)) {
    return fail('InvalidInput', `Invalid input action: '${action}' is not one of ${ACTIONS.join(', ')}.`);
  }
  const valueErr = valueProblem(indicatorType, indicatorValue);
  if (valueErr !== undefined) return { ok: false, problem: valueErr };
  if (NETWORK_TYPES.has(indicatorType) && action === 'BlockAndRemediate') {
    return fail(
      'InvalidInput',
      `Invalid input action: BlockAndRemediate is not supported for ${indicatorType} indicators.`,
    );
  }
  if (indicatorType === 'CertificateThumbprint' && !CERTIFICATE_ACTIONS.has(action)) {
    return fail(
      'InvalidInput',
      `Invalid input action: ${action} is not supported for CertificateThumbprint indicators.`,
    );
  }

  let generateAlert = false;
  if (o.generateAlert !== undefined && o.generateAlert !== null) {
    const b = parseBool(o.generateAlert);
    if (b === undefined) return fail('InvalidInput', 'Invalid input generateAlert: must be true or false.');
    generateAlert = b;
  }
  if (action === 'Audit' && !generateAlert) {
    return fail(
      'InvalidRequestBody',
      'The GenerateAlert parameter must be set to TRUE when creating an action with Audit.',
    );
  }

  let severity: string | null = null;
  if (o.severity !== undefined && o.severity !== null) {
    if (typeof o.severity !== 'string' || !(SEVERITIES as readonly string[]).includes(o.severity)) {
      return fail('InvalidInput', `Invalid input severity: must be one of ${SEVERITIES.join(', ')}.`);
    }
    severity = o.severity;
  }

  let expirationTime: string | null = null;
  if (o.expirationTime !== undefined && o.expirationTime !== null && o.expirationTime !== '') {
    const t = typeof o.expirationTime === 'string' ? Date.parse(o.expirationTime) : Number.NaN;
    if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(o.expirationTime as string)) {
      return fail('InvalidInput', 'Invalid input expirationTime: must be a DateTimeOffset.');
    }
    if (t <= now.getTime())
      return fail('InvalidInput', 'Invalid input expirationTime: the expiration time has passed.');
    expirationTime = new Date(t).toISOString().replace(/\.000Z$/, 'Z');
  }

  let rbacGroupNames: string[] = [];
  const groups = o.rbacGroupNames;
  if (typeof groups === 'string')
    rbacGroupNames = groups
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
  else if (Array.isArray(groups)) {
    if (!groups.every((g): g is string => typeof g === 'string')) {
      return fail('InvalidInput', 'Invalid input rbacGroupNames: must be a list of strings.');
    }
    rbacGroupNames = groups.map((g) => g.trim()).filter((g) => g !== '');
  } else if (groups !== undefined && groups !== null) {
    return fail('InvalidInput', 'Invalid input rbacGroupNames: must be a list of strings.');
  }
  if (knownGroups !== undefined) {
    const unknown = rbacGroupNames.filter(
      (g) => !knownGroups.some((k) => k.toLowerCase() === g.toLowerCase()),
    );
    if (unknown.length > 0)
      return fail(
        'InvalidInput',
        `Invalid input rbacGroupNames: unknown device groups ${unknown.join(', ')}.`,
      );
    rbacGroupNames = rbacGroupNames.map(
      (g) => knownGroups.find((k) => k.toLowerCase() === g.toLowerCase()) ?? g,
    );
  }

  const strings: Record<string, string | null> = {};
  for (const key of [
    'application',
    'recommendedActions',
    'educateUrl',
    'version',
    'lookBackPeriod',
    'category',
  ] as const) {
    const v = optionalString(o, key);
    if (isProblem(v)) return { ok: false, problem: v };
    strings[key] = v;
  }
  // Both spellings are seen in the wild (reference §1.4: `externalID` documented, `externalId` sent by OpenCTI).
  const ext = optionalString(o, o.externalId !== undefined ? 'externalId' : 'externalID');
  if (isProblem(ext)) return { ok: false, problem: ext };
  if (
    strings.educateUrl !== null &&
    strings.educateUrl !== undefined &&
    !(indicatorType === 'Url' && ['Block', 'Warn'].includes(action))
  ) {
    return fail(
      'InvalidInput',
      'Invalid input educateUrl: supported only for Block and Warn URL indicators.',
    );
  }

  let mitreTechniques: string[] = [];
  if (Array.isArray(o.mitreTechniques))
    mitreTechniques = o.mitreTechniques.filter((m): m is string => typeof m === 'string');
  else if (typeof o.mitreTechniques === 'string')
    mitreTechniques = o.mitreTechniques
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');

  let bypassDurationHours: number | null = null;
  if (typeof o.bypassDurationHours === 'number') bypassDurationHours = o.bypassDurationHours;

  let id: string | undefined;
  if (o.id !== undefined && o.id !== null) {
    const s = typeof o.id === 'number' ? String(o.id) : o.id;
    if (typeof s !== 'string' || !/^\d+$/.test(s))
      return fail('InvalidInput', 'Invalid input id: must be a decimal number.');
    id = s;
  }

  return {
    ok: true,
    value: {
      ...(id !== undefined ? { id } : {}),
      indicatorValue,
      indicatorType,
      action,
      title: o.title as string,
      description: o.description as string,
      application: strings.application ?? null,
      expirationTime,
      severity,
      recommendedActions: strings.recommendedActions ?? null,
      rbacGroupNames,
      generateAlert,
      educateUrl: strings.educateUrl ?? null,
      externalId: ext,
      category: strings.category ?? null,
      mitreTechniques,
      bypassDurationHours,
      version: strings.version ?? null,
      certificateInfo: o.certificateInfo ?? null,
      historicalDetection: parseBool(o.historicalDetection) ?? false,
      lookBackPeriod: strings.lookBackPeriod ?? null,
    },
  };
}
