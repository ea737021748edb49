/**
 * Where an indicator is enforced, per operating system (reference §4–§5). The matrix is data so deployments
 * can override it when Microsoft's documentation changes (e.g. IP indicators on mobile).
 */
import type { Finding, IndicatorType, Scope } from './types';

export const PLATFORMS = ['Windows', 'macOS', 'Linux', 'iOS', 'Android'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const MOBILE_PLATFORMS: readonly Platform[] = ['iOS', 'Android'];

/** `partial`: enforced only in some browsers or device states, explained by `note`. */
export type Enforcement = 'yes' | 'partial' | 'no';

export interface PlatformEffect {
  platform: Platform;
  enforced: Enforcement;
  note?: string;
}

/** The kinds of indicator the matrix distinguishes. */
export const EFFECT_KINDS = [
  'ip',
  'domain',
  'urlNoPath',
  'urlHttpPath',
  'urlHttpsPath',
  'file',
  'certificate',
] as const;
export type EffectKind = (typeof EFFECT_KINDS)[number];

export type EffectCell = { enforced: Enforcement; note?: string };
export type EffectivenessMatrix = Record<EffectKind, Record<Platform, EffectCell>>;
/** A partial matrix that overrides cells of the default one. */
export type EffectivenessOverride = Partial<Record<EffectKind, Partial<Record<Platform, EffectCell>>>>;

const yes: EffectCell = { enforced: 'yes' };
const EDGE_ONLY: EffectCell = {
  enforced: 'partial',
  note: 'HTTPS URL paths are matched only in Microsoft Edge; other browsers see only the domain.',
};
const IOS_PATH: EffectCell = {
  enforced: 'partial',
  note: 'Only supervised iOS devices see the URL path; unsupervised iOS sees only the domain.',
};

/** The default matrix, following current Microsoft documentation (reference §4, §5.1, §5.2). */
export const DEFAULT_EFFECTIVENESS: EffectivenessMatrix = {
  ip: {
    Windows: yes,
    macOS: yes,
    Linux: yes,
    iOS: { enforced: 'no', note: 'Current Microsoft docs: IP indicators are not supported on iOS.' },
    Android: { enforced: 'no', note: 'Current Microsoft docs: IP indicators are not supported on Android.' },
  },
  domain: { Windows: yes, macOS: yes, Linux: yes, iOS: yes, Android: yes },
  urlNoPath: { Windows: yes, macOS: yes, Linux: yes, iOS: yes, Android: yes },
  urlHttpPath: { Windows: yes, macOS: yes, Linux: yes, iOS: IOS_PATH, Android: yes },
  urlHttpsPath: {
    Windows: EDGE_ONLY,
    macOS: EDGE_ONLY,
    Linux: EDGE_ONLY,
    iOS: {
      enforced: 'partial',
      note: 'Only supervised iOS devices see the URL path (unsupervised iOS sees only the domain), and HTTPS paths only in Edge.',
    },
    Android: EDGE_ONLY,
  },
  file: {
    Windows: yes,
    macOS: { enforced: 'yes', note: 'Needs file hash computation enabled on the Mac.' },
    Linux: { enforced: 'yes', note: 'Needs Defender 101.85.27 or later with file hash computation enabled.' },
    iOS: { enforced: 'no', note: 'File indicators never apply to iOS.' },
    Android: { enforced: 'no', note: 'File indicators never apply to Android.' },
  },
  certificate: {
    Windows: yes,
    macOS: {
      enforced: 'no',
      note: 'Certificate indicators are enforced by Defender Antivirus on Windows only.',
    },
    Linux: {
      enforced: 'no',
      note: 'Certificate indicators are enforced by Defender Antivirus on Windows only.',
    },
    iOS: { enforced: 'no', note: 'Certificate indicators never apply to iOS.' },
    Android: { enforced: 'no', note: 'Certificate indicators never apply to Android.' },
  },
};

/** Merges an override into the default matrix. */
export function mergeEffectiveness(override?: EffectivenessOverride): EffectivenessMatrix {
  if (!override) return DEFAULT_EFFECTIVENESS;
  const out = {} as EffectivenessMatrix;
  for (const kind of EFFECT_KINDS) {
    out[kind] = { ...DEFAULT_EFFECTIVENESS[kind], ...(override[kind] ?? {}) };
  }
  return out;
}

/** The matrix row that applies to a value. */
export function effectKind(
  type: IndicatorType,
  url?: { scheme: 'http' | 'https' | undefined; hasPath: boolean },
): EffectKind {
  switch (type) {
    case 'IpAddress':
      return 'ip';
    case 'DomainName':
      return 'domain';
    case 'Url':
      if (!url || !url.hasPath) return 'urlNoPath';
      // Without a scheme the indicator may be hit over HTTPS, so assume the stricter case.
      return url.scheme === 'http' ? 'urlHttpPath' : 'urlHttpsPath';
    case 'CertificateThumbprint':
      return 'certificate';
    default:
      return 'file';
  }
}

/** Per-platform effect of an indicator kind. */
export function platformEffects(
  kind: EffectKind,
  matrix: EffectivenessMatrix = DEFAULT_EFFECTIVENESS,
): PlatformEffect[] {
  return PLATFORMS.map((platform) => {
    const cell = matrix[kind][platform];
    return cell.note
      ? { platform, enforced: cell.enforced, note: cell.note }
      : { platform, enforced: cell.enforced };
  });
}

/** Which platforms a scope reaches: a scope of only mobile-only groups reaches iOS and Android alone. */
export function scopePlatforms(scope: Scope, mobileOnlyGroups: readonly string[] = []): readonly Platform[] {
  if (scope.kind === 'allDevices' || scope.groups.length === 0) return PLATFORMS;
  const mobile = new Set(mobileOnlyGroups.map((g) => g.toLowerCase()));
  return scope.groups.every((g) => mobile.has(g.toLowerCase())) ? MOBILE_PLATFORMS : PLATFORMS;
}

const TYPE_WORDS: Record<EffectKind, string> = {
  ip: 'IP indicators',
  domain: 'Domain indicators',
  urlNoPath: 'URL indicators',
  urlHttpPath: 'URL path indicators',
  urlHttpsPath: 'HTTPS URL path indicators',
  file: 'File indicators',
  certificate: 'Certificate indicators',
};

/**
 * Findings for the scope: an error when no platform in scope would enforce the indicator (e.g. a file hash for a
 * mobile-only group), a warning naming the platforms in scope where it is not or only partly enforced.
 */
export function effectivenessFindings(
  kind: EffectKind,
  effects: readonly PlatformEffect[],
  inScope: readonly Platform[],
): Finding[] {
  const relevant = effects.filter((e) => inScope.includes(e.platform));
  const none = relevant.filter((e) => e.enforced === 'no');
  const partial = relevant.filter((e) => e.enforced === 'partial');
  const list = (es: PlatformEffect[]): string => es.map((e) => e.platform).join(', ');
  if (relevant.length > 0 && none.length === relevant.length) {
    return [
      {
        level: 'error',
        code: 'notEnforcedInScope',
        message:
          `${TYPE_WORDS[kind]} are not enforced on any platform in this scope (${list(none)}): ${none[0]?.note ?? ''}`.trim(),
        suggestion: 'Choose groups with Windows, macOS or Linux devices, or use a domain or URL indicator.',
      },
    ];
  }
  const findings: Finding[] = [];
  // Files and certificates never run on phones; say so only when nothing in scope would enforce them (above).
  if (kind === 'file' || kind === 'certificate') return findings;
  if (none.length > 0) {
    findings.push({
      level: 'warning',
      code: 'notEnforcedOnPlatform',
      message: `${TYPE_WORDS[kind]} are not enforced on ${list(none)}: devices on ${none.length > 1 ? 'those platforms' : 'that platform'} in this scope stay unprotected.`,
    });
  }
  if (partial.length > 0) {
    const notes = [...new Set(partial.map((e) => e.note).filter((n): n is string => !!n))];
    findings.push({
      level: 'warning',
      code: 'partlyEnforced',
      message: `Only partly enforced on ${list(partial)}. ${notes.join(' ')}`.trim(),
      suggestion:
        kind === 'urlHttpsPath' ? 'Block the whole domain if every browser must be covered.' : undefined,
    });
  }
  return findings;
}
