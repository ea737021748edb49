/**
 * Types of the indicator engine, mirroring the Microsoft Defender for Endpoint Indicator entity
 * (reference/defender-api.md §1), and the mapping from the product's actions to the API's.
 */
import { ValidationError } from '../errors';

/** The seven indicator types of the Defender Indicator entity. */
export const INDICATOR_TYPES = [
  'IpAddress',
  'DomainName',
  'Url',
  'FileSha1',
  'FileSha256',
  'FileMd5',
  'CertificateThumbprint',
] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

/** The actions as the product (commands, cards) names them. */
export const PRODUCT_ACTIONS = ['allow', 'audit', 'warn', 'block', 'blockAndRemediate'] as const;
export type ProductAction = (typeof PRODUCT_ACTIONS)[number];

/** Actions the API accepts on submit today. */
export const SUBMITTABLE_API_ACTIONS = ['Allowed', 'Audit', 'Warn', 'Block', 'BlockAndRemediate'] as const;
export type SubmittableApiAction = (typeof SUBMITTABLE_API_ACTIONS)[number];

/** Every action the API may return, including the legacy `Alert` and `AlertAndBlock` (reference §1.1). */
export type ApiAction = SubmittableApiAction | 'Alert' | 'AlertAndBlock';

export const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where an indicator applies: every device (empty `rbacGroupNames`) or the named device groups. */
export type Scope = { kind: 'allDevices' } | { kind: 'groups'; groups: string[] };

export type Verdict = 'ok' | 'warning' | 'error';

/** One problem found with a value; `message` is written for the analyst. */
export interface Finding {
  level: 'warning' | 'error';
  /** Stable machine-readable code, e.g. `privateIp`, `protectedDomain`, `conflictAction`. */
  code: string;
  message: string;
  /** What to do about it, when there is something better to do. */
  suggestion?: string;
  /** Defender id of the existing indicator a conflict refers to. */
  relatedId?: string;
}

/** Exactly what would be submitted to `POST /api/indicators` (or one element of an import batch). */
export interface IndicatorDraft {
  indicatorType: IndicatorType;
  indicatorValue: string;
  action: SubmittableApiAction;
  title: string;
  description: string;
  severity: Severity;
  generateAlert: boolean;
  /** `YYYY-MM-DDTHH:MM:SSZ`, or null for no expiry. */
  expirationTime: string | null;
  /** Empty = all devices. */
  rbacGroupNames: string[];
  recommendedActions?: string;
}

/** An indicator already in Defender, as far as conflict analysis needs it. */
export interface ExistingIndicator {
  id: string;
  indicatorType: IndicatorType;
  indicatorValue: string;
  action: ApiAction;
  rbacGroupNames: readonly string[];
  expirationTime?: string | null;
  title?: string;
}

/** Network indicator types (IP, domain, URL). */
export function isNetworkType(type: IndicatorType): boolean {
  return type === 'IpAddress' || type === 'DomainName' || type === 'Url';
}

/** File hash indicator types. */
export function isFileType(type: IndicatorType): boolean {
  return type === 'FileSha1' || type === 'FileSha256' || type === 'FileMd5';
}

const PRODUCT_ACTION_LABELS: Record<ProductAction, string> = {
  allow: 'Allow',
  audit: 'Audit',
  warn: 'Warn',
  block: 'Block',
  blockAndRemediate: 'Block and remediate',
};

/** The portal's label of a product action ("Block and remediate"). */
export function productActionLabel(action: ProductAction): string {
  return PRODUCT_ACTION_LABELS[action];
}

/**
 * Why `action` is not available for `type`, or undefined when it is (reference §4: network — Allow, Audit, Warn,
 * Block; files — also Block and remediate; certificates — Allow, Block and remediate).
 */
export function actionProblem(action: ProductAction, type: IndicatorType): string | undefined {
  if (type === 'CertificateThumbprint') {
    if (action === 'audit' || action === 'warn') {
      return `Certificate indicators support only Allow and Block and remediate, not ${productActionLabel(action)}.`;
    }
    return undefined;
  }
  if (action === 'blockAndRemediate' && isNetworkType(type)) {
    return 'Block and remediate is only for files and certificates; use Block for IPs, domains and URLs.';
  }
  return undefined;
}

/**
 * Maps a product action to the API action for an indicator type: Allow → `Allowed`, Audit → `Audit` (which
 * needs `generateAlert: true`, see {@link requiresAlert}), Warn → `Warn`, Block → `Block`, Block and remediate →
 * `BlockAndRemediate`. Certificates cannot be blocked without remediation, so Block on a certificate maps to
 * `BlockAndRemediate`.
 * @throws ValidationError when the action is not available for the type (see {@link actionProblem}).
 */
export function toApiAction(action: ProductAction, type: IndicatorType): SubmittableApiAction {
  const problem = actionProblem(action, type);
  if (problem) throw new ValidationError(problem);
  switch (action) {
    case 'allow':
      return 'Allowed';
    case 'audit':
      return 'Audit';
    case 'warn':
      return 'Warn';
    case 'block':
      return type === 'CertificateThumbprint' ? 'BlockAndRemediate' : 'Block';
    case 'blockAndRemediate':
      return 'BlockAndRemediate';
  }
}

/** `Audit` must be submitted with `generateAlert: true` (reference §1.3). */
export function requiresAlert(action: ApiAction): boolean {
  return action === 'Audit';
}

/**
 * Maps an API action (including legacy ones) back to the product action. The legacy names follow the
 * documented renaming: `Alert` → Audit, `AlertAndBlock` → Block and remediate.
 */
export function fromApiAction(action: ApiAction): ProductAction {
  switch (action) {
    case 'Allowed':
      return 'allow';
    case 'Audit':
    case 'Alert':
      return 'audit';
    case 'Warn':
      return 'warn';
    case 'Block':
      return 'block';
    case 'BlockAndRemediate':
    case 'AlertAndBlock':
      return 'blockAndRemediate';
  }
}

/** Network precedence on the same value: Allow > Warn > Block (reference §4). Higher wins. */
export function networkPrecedence(action: ApiAction): number {
  switch (fromApiAction(action)) {
    case 'allow':
      return 3;
    case 'warn':
      return 2;
    case 'audit':
      return 0;
    case 'block':
    case 'blockAndRemediate':
      return 1;
  }
}

/** Formats a date as Defender's expiration format `YYYY-MM-DDTHH:MM:SSZ` (seconds precision, UTC). */
export function formatExpiration(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
