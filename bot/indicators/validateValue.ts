/**
 * The validator: one entry point for chat, cards, CSV and the API client. Given what an analyst pasted, it
 * returns exactly what would be submitted (type, normalised value) and a verdict with reasons (SPEC §5).
 * It never throws.
 */
import {
  effectKind,
  effectivenessFindings,
  mergeEffectiveness,
  platformEffects,
  scopePlatforms,
  type EffectivenessOverride,
  type PlatformEffect,
} from './effectiveness';
import { conflictFindings } from './conflicts';
import { guardrailFindings, type ServiceEndpoint } from './guardrails';
import { checkHash, hashTypeByLength, prepareHash, type HashType } from './hashes';
import { checkDomain, checkUrl, type UrlParts } from './hostName';
import { checkIp, ipPatternProblem, looksLikeIp } from './ipAddress';
import { refang, splitValues } from './refang';
import {
  actionProblem,
  toApiAction,
  type ExistingIndicator,
  type Finding,
  type IndicatorType,
  type ProductAction,
  type Scope,
  type SubmittableApiAction,
  type Verdict,
} from './types';

/** Everything the validator needs besides the value. */
export interface ValidationContext {
  /** The type the analyst named; without it the type is inferred from the value. */
  typeHint?: IndicatorType;
  action: ProductAction;
  scope: Scope;
  /** Device group names that exist (config and Defender). Empty: cannot be verified. */
  knownGroups: readonly string[];
  /** Groups that contain only iOS/Android devices. */
  mobileOnlyGroups?: readonly string[];
  protectedDomains: readonly string[];
  tenantDomains: readonly string[];
  effectivenessMatrix?: EffectivenessOverride;
  existing?: readonly ExistingIndicator[];
  /** Replaces the built-in list of service endpoints (tests, special deployments). */
  serviceEndpoints?: readonly ServiceEndpoint[];
}

/** The verdict on one value. */
export interface ValueResult {
  input: string;
  type?: IndicatorType;
  /** The normalised value that would be submitted. */
  value?: string;
  verdict: Verdict;
  findings: Finding[];
  effectiveness: PlatformEffect[];
  /** The API action that would be submitted, when the action is available for the type. */
  apiAction?: SubmittableApiAction;
  /** How the input was understood (refanged, lower-cased, punycode, …), for showing the analyst. */
  notes: string[];
  /** The scope with group names in their known spelling. */
  scope?: Scope;
}

/** Values longer than this are refused outright (no documented Defender limit; protects the bot). */
export const MAX_VALUE_LENGTH = 4096;

const TYPE_WORDS: Record<IndicatorType, string> = {
  IpAddress: 'an IP address',
  DomainName: 'a domain',
  Url: 'a URL',
  FileSha1: 'a SHA-1 hash',
  FileSha256: 'a SHA-256 hash',
  FileMd5: 'an MD5 hash',
  CertificateThumbprint: 'a certificate thumbprint',
};

const EMPTY_FILE_HASHES = new Set([
  'd41d8cd98f00b204e9800998ecf8427e',
  'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
]);

interface Classified {
  type?: IndicatorType;
  value?: string;
  findings: Finding[];
  notes: string[];
  url?: UrlParts;
  host?: string;
}

const fail = (code: string, message: string, suggestion?: string): Classified => ({
  findings: [suggestion ? { level: 'error', code, message, suggestion } : { level: 'error', code, message }],
  notes: [],
});

function looksLikeUrl(text: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ||
    /[/?#@\\]/.test(text) ||
    /^[^:]+:\d{1,5}$/.test(text) ||
    /^\[[0-9a-f:.]+\]:\d{1,5}$/i.test(text)
  );
}

/** Infers the type of a refanged value (no hint). */
export function classifyValue(text: string): IndicatorType | undefined {
  const { hex, prefixType, hadSeparators } = prepareHash(text);
  if (prefixType) return prefixType;
  if (/^[0-9a-f]+$/i.test(hex)) {
    if (hadSeparators && hex.length === 40) return 'CertificateThumbprint';
    const byLength = hashTypeByLength(hex);
    if (byLength) return byLength;
    if (hex.length >= 24) return 'FileSha256';
  }
  if (looksLikeIp(text)) return 'IpAddress';
  if (looksLikeUrl(text)) return 'Url';
  return 'DomainName';
}

function classifyHash(text: string, expected: HashType | undefined): Classified {
  const hash = checkHash(text, expected);
  if (!hash.ok) return fail(hash.code, hash.message, hash.suggestion);
  const findings: Finding[] = [];
  if (EMPTY_FILE_HASHES.has(hash.value) && hash.type !== 'CertificateThumbprint') {
    findings.push({
      level: 'warning',
      code: 'emptyFileHash',
      message: `${hash.value} is the hash of an empty file; it would match every empty file.`,
    });
  }
  return { type: hash.type, value: hash.value, findings, notes: hash.notes };
}

function classifyIp(text: string): Classified {
  const pattern = ipPatternProblem(text);
  if (pattern) return fail(pattern.code, pattern.message, pattern.suggestion);
  const ip = checkIp(text);
  if (!ip.ok) return fail(ip.code, ip.message);
  return {
    type: 'IpAddress',
    value: ip.value,
    findings: [],
    notes: ip.version === 6 && ip.value !== text.toLowerCase() ? ['IPv6 written in full 8-segment form'] : [],
  };
}

function classifyDomain(text: string): Classified {
  const domain = checkDomain(text);
  if (!domain.ok) return fail(domain.code, domain.message, domain.suggestion);
  return {
    type: 'DomainName',
    value: domain.value,
    host: domain.value,
    findings: domain.warnings.map((w) => ({ level: 'warning', ...w })),
    notes: domain.notes,
  };
}

function classifyUrl(text: string): Classified {
  const url = checkUrl(text);
  if (!url.ok) return fail(url.code, url.message, url.suggestion);
  const result: Classified = {
    type: 'Url',
    value: url.value,
    findings: url.warnings.map((w) => ({ level: 'warning', ...w })),
    notes: url.notes,
  };
  if (url.parts) {
    result.url = url.parts;
    if (!url.parts.hostIsIp) result.host = url.parts.host;
  }
  return result;
}

function classify(text: string, hint: IndicatorType | undefined): Classified {
  const pattern = ipPatternProblem(text);
  if (pattern && (hint === undefined || hint === 'IpAddress'))
    return fail(pattern.code, pattern.message, pattern.suggestion);
  const detected = classifyValue(text);
  const type = hint ?? detected;
  switch (type) {
    case 'FileMd5':
    case 'FileSha1':
    case 'FileSha256':
    case 'CertificateThumbprint':
      return classifyHash(text, hint ? type : detected === 'CertificateThumbprint' ? detected : undefined);
    case 'IpAddress':
      if (!looksLikeIp(text)) {
        return fail(
          'typeMismatch',
          `"${text}" is not an IP address${detected ? `; it looks like ${TYPE_WORDS[detected]}` : ''}.`,
        );
      }
      return classifyIp(text);
    case 'DomainName': {
      if (hint && detected === 'IpAddress') {
        return fail('typeMismatch', `${text} is an IP address, not a domain.`, 'Submit it with the type ip.');
      }
      if (hint && detected === 'Url') {
        const url = classifyUrl(text);
        if (!url.value || !url.url) return url;
        if (url.url.hasPath) {
          return fail(
            'typeMismatch',
            `A domain indicator cannot have a path; "${text}" is a URL.`,
            'Submit it with the type url, or give only the host name.',
          );
        }
        if (url.url.hostIsIp) return fail('typeMismatch', `${url.url.host} is an IP address, not a domain.`);
        const domain = classifyDomain(url.url.host);
        domain.notes.unshift('scheme and port removed: a domain indicator covers http and https');
        return domain;
      }
      if (hint && detected && detected !== 'DomainName') {
        return fail('typeMismatch', `"${text}" looks like ${TYPE_WORDS[detected]}, not a domain.`);
      }
      return classifyDomain(text);
    }
    case 'Url':
      if (hint && detected && detected !== 'Url' && detected !== 'DomainName' && detected !== 'IpAddress') {
        return fail('typeMismatch', `"${text}" looks like ${TYPE_WORDS[detected]}, not a URL.`);
      }
      return classifyUrl(text);
    default:
      return fail('unrecognised', `"${text}" is not a value this bot recognises.`);
  }
}

/** Canonical scope and its findings: group names must exist (matched case-insensitively). */
export function resolveScope(
  scope: Scope,
  knownGroups: readonly string[],
): { scope: Scope; findings: Finding[] } {
  if (scope.kind === 'allDevices') return { scope, findings: [] };
  const findings: Finding[] = [];
  const groups = [...new Set(scope.groups.map((g) => g.trim()).filter((g) => g.length > 0))];
  if (groups.length === 0) {
    return {
      scope: { kind: 'groups', groups: [] },
      findings: [
        {
          level: 'error',
          code: 'noGroups',
          message: 'No device group was chosen.',
          suggestion: 'Pick at least one device group, or all devices.',
        },
      ],
    };
  }
  if (knownGroups.length === 0) {
    findings.push({
      level: 'warning',
      code: 'groupsUnverified',
      message: `The device groups ${groups.join(', ')} could not be verified: no known groups are configured.`,
    });
    return { scope: { kind: 'groups', groups }, findings };
  }
  const byLower = new Map(knownGroups.map((g) => [g.toLowerCase(), g]));
  const canonical: string[] = [];
  for (const group of groups) {
    const known = byLower.get(group.toLowerCase());
    if (known) {
      canonical.push(known);
      continue;
    }
    findings.push({
      level: 'error',
      code: 'unknownGroup',
      message: `There is no device group named "${group}".`,
      suggestion: `Known groups: ${knownGroups.slice(0, 20).join(', ')}${knownGroups.length > 20 ? ', …' : ''}.`,
    });
    canonical.push(group);
  }
  return { scope: { kind: 'groups', groups: [...new Set(canonical)] }, findings };
}

function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.level === 'error')) return 'error';
  return findings.length > 0 ? 'warning' : 'ok';
}

/**
 * Validates one pasted value for the given action and scope. Never throws: anything unexpected becomes an
 * `error` verdict with code `internal`.
 */
export function validateValue(input: string, ctx: ValidationContext): ValueResult {
  try {
    return validateUnsafe(typeof input === 'string' ? input : String(input), ctx);
  } catch {
    return {
      input: String(input),
      verdict: 'error',
      findings: [
        { level: 'error', code: 'internal', message: 'This value could not be checked; please report it.' },
      ],
      effectiveness: [],
      notes: [],
    };
  }
}

function validateUnsafe(input: string, ctx: ValidationContext): ValueResult {
  const base = { input, effectiveness: [] as PlatformEffect[], notes: [] as string[] };
  if (input.length > MAX_VALUE_LENGTH * 2) {
    return {
      ...base,
      verdict: 'error',
      findings: [
        {
          level: 'error',
          code: 'tooLong',
          message: `The value is longer than ${MAX_VALUE_LENGTH} characters.`,
        },
      ],
    };
  }
  const text = refang(input);
  if (!text) {
    return {
      ...base,
      verdict: 'error',
      findings: [{ level: 'error', code: 'empty', message: 'The value is empty.' }],
    };
  }
  if (text.length > MAX_VALUE_LENGTH) {
    return {
      ...base,
      verdict: 'error',
      findings: [
        {
          level: 'error',
          code: 'tooLong',
          message: `The value is longer than ${MAX_VALUE_LENGTH} characters.`,
        },
      ],
    };
  }
  const classified = classify(text, ctx.typeHint);
  const notes = [...(text !== input.trim() ? [`refanged to ${text}`] : []), ...classified.notes];
  const findings = [...classified.findings];
  const { type, value } = classified;
  if (!type || !value || findings.some((f) => f.level === 'error')) {
    return { ...base, notes, verdict: verdictOf(findings), findings, ...(type ? { type } : {}) };
  }
  // What is submitted must read back as itself, or the card, the approver and Defender could disagree.
  if (classify(refang(value), type).value !== value) {
    findings.push({
      level: 'error',
      code: 'unstableValue',
      message: `"${value}" does not read back as itself: it starts or ends with characters that look like defanging or punctuation.`,
      suggestion: 'Remove the stray characters, or percent-encode them in a URL.',
    });
    return { ...base, notes, type, verdict: 'error', findings };
  }

  let action = ctx.action;
  const problem = actionProblem(action, type);
  let apiAction: SubmittableApiAction | undefined;
  if (problem) {
    findings.push({ level: 'error', code: 'actionNotSupported', message: problem });
  } else {
    apiAction = toApiAction(action, type);
    if (type === 'CertificateThumbprint' && action === 'block') {
      action = 'blockAndRemediate';
      findings.push({
        level: 'warning',
        code: 'certificateBlockRemediates',
        message:
          'Certificates cannot be blocked without remediation: this is submitted as Block and remediate.',
      });
    }
  }

  findings.push(
    ...guardrailFindings(type, classified.host, action, {
      protectedDomains: ctx.protectedDomains,
      tenantDomains: ctx.tenantDomains,
      ...(ctx.serviceEndpoints ? { serviceEndpoints: ctx.serviceEndpoints } : {}),
    }),
  );

  const kind = effectKind(type, classified.url);
  const effectiveness = platformEffects(kind, mergeEffectiveness(ctx.effectivenessMatrix));
  const resolved = resolveScope(ctx.scope, ctx.knownGroups);
  findings.push(...resolved.findings);
  findings.push(
    ...effectivenessFindings(kind, effectiveness, scopePlatforms(resolved.scope, ctx.mobileOnlyGroups)),
  );
  findings.push(
    ...conflictFindings(
      { type, value, ...(classified.host ? { host: classified.host } : {}), action, scope: resolved.scope },
      ctx.existing,
    ),
  );
  return {
    input,
    type,
    value,
    verdict: verdictOf(findings),
    findings,
    effectiveness,
    notes,
    scope: resolved.scope,
    ...(apiAction ? { apiAction } : {}),
  };
}

/**
 * Validates several values as one request: each gets its own verdict, and a value that normalises to the same
 * indicator as an earlier one gets a `duplicateInRequest` warning.
 */
export function validateValues(inputs: readonly string[], ctx: ValidationContext): ValueResult[] {
  const seen = new Map<string, string>();
  return inputs.map((input) => {
    const result = validateValue(input, ctx);
    if (result.type && result.value) {
      const key = `${result.type}|${result.value.toLowerCase()}`;
      const first = seen.get(key);
      if (first !== undefined) {
        result.findings.push({
          level: 'warning',
          code: 'duplicateInRequest',
          message: `"${input}" is the same indicator as "${first}" earlier in this request.`,
          suggestion: 'Remove one of them.',
        });
        if (result.verdict === 'ok') result.verdict = 'warning';
      } else {
        seen.set(key, input);
      }
    }
    return result;
  });
}

/** Splits a paste and validates every value ({@link splitValues} then {@link validateValues}). */
export function validatePaste(text: string, ctx: ValidationContext): ValueResult[] {
  return validateValues(splitValues(text), ctx);
}

export { splitValues };
