/**
 * Shared pieces of the indicator views (`/list`, `/show`, `/remove`, `/expiring`, `/export`, `/import`): card
 * verbs, how an indicator reads on a card, and how `<value or id>` is resolved to indicators in Defender.
 */
import { escapeMarkdown } from '../../cards/cardRenderer';
import type { DefenderClient, DefenderIndicator } from '../../defender/defenderClient';
import type { DefenderAction } from '../../defender/defenderDtos';
import { ValidationError } from '../../errors';
import {
  classifyValue,
  validateValue,
  type IndicatorDraft,
  type IndicatorType,
  type ProductAction,
  type SubmittableApiAction,
} from '../../indicators';
import { typeLabel } from '../requestCards';

/** Card verbs of the indicator views. */
export const IndicatorViewVerb = {
  page: 'indicators.page',
  extend: 'indicators.extend',
  importSubmit: 'import.submit',
  importCancel: 'import.cancel',
} as const;

/** Labels of Defender's actions, legacy ones included. */
export const ACTION_LABELS: Record<DefenderAction, string> = {
  Allowed: 'Allow',
  Audit: 'Audit',
  Alert: 'Alert (legacy)',
  Warn: 'Warn',
  Block: 'Block',
  AlertAndBlock: 'Alert and block (legacy)',
  BlockAndRemediate: 'Block and remediate',
};

const PRODUCT_ACTION_OF: Record<DefenderAction, ProductAction> = {
  Allowed: 'allow',
  Audit: 'audit',
  Alert: 'audit',
  Warn: 'warn',
  Block: 'block',
  AlertAndBlock: 'blockAndRemediate',
  BlockAndRemediate: 'blockAndRemediate',
};

/** The product's name for a Defender action (legacy actions map to their successors). */
export function productActionOf(action: DefenderAction): ProductAction {
  return PRODUCT_ACTION_OF[action];
}

/** "2026-12-31 12:00 UTC", or "never". */
export function expiryLabel(expirationTime: string | null | undefined): string {
  if (!expirationTime) return 'never';
  const t = Date.parse(expirationTime);
  if (Number.isNaN(t)) return 'unknown';
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One indicator as a card row; every text from Defender is escaped. */
export interface IndicatorRow {
  readonly id: string;
  readonly value: string;
  readonly typeLabel: string;
  readonly actionLabel: string;
  readonly expires: string;
  readonly title: string;
  readonly scope: string;
}

export function indicatorRow(i: DefenderIndicator): IndicatorRow {
  const groups = i.rbacGroupNames ?? [];
  return {
    id: i.id,
    value: escapeMarkdown(i.indicatorValue),
    typeLabel: typeLabel(i.indicatorType),
    actionLabel: ACTION_LABELS[i.action],
    expires: expiryLabel(i.expirationTime),
    title: escapeMarkdown(i.title ?? ''),
    scope: escapeMarkdown(groups.length > 0 ? groups.join(', ') : 'All devices'),
  };
}

const ID = /^\d{1,20}$/;

/**
 * Finds the indicators a user means by `<value or id>`: a decimal id is looked up by id; anything else is
 * refanged and normalised like a chat value and looked up by type and value (one indicator per action may exist).
 * @throws ValidationError when the text is neither an id nor a value the engine understands.
 */
export async function resolveIndicators(
  defender: DefenderClient,
  target: string,
): Promise<DefenderIndicator[]> {
  const text = target.trim();
  const bareId = text.replace(/^#|^id[:\s]\s*/i, '');
  if (ID.test(bareId)) {
    const found = await defender.getById(bareId);
    return found ? [found] : [];
  }
  const { type, value } = normalisedValue(text);
  return defender.findByValue(type, value);
}

/** The type and normalised value of a typed value (`hxxps://evil[.]com` → Url `https://evil.com`). */
export function normalisedValue(text: string): { type: IndicatorType; value: string } {
  const guessed = classifyValue(text);
  // Allow has no guardrails, so a protected or broad value still normalises (a lookup blocks nothing).
  const result = validateValue(text, {
    action: 'allow',
    scope: { kind: 'allDevices' },
    knownGroups: [],
    protectedDomains: [],
    tenantDomains: [],
  });
  const type = result.type ?? guessed;
  const value = result.value;
  if (!type || !value) {
    const why =
      result.findings.find((f) => f.level === 'error')?.message ?? 'It is not a value I understand.';
    throw new ValidationError(
      `I can't look up "${text.slice(0, 80)}": ${why} Give an indicator id or a value.`,
    );
  }
  return { type, value };
}

/** Submittable action of an indicator, or undefined for the retired `Alert` and `AlertAndBlock`. */
function submittableAction(action: DefenderAction): SubmittableApiAction | undefined {
  return action === 'Alert' || action === 'AlertAndBlock' ? undefined : action;
}

/**
 * The draft that re-submits an indicator as it is, with another expiration time (`null` = never).
 * @throws ValidationError for an indicator with a retired action, which Defender no longer accepts on submit.
 */
export function draftOfIndicator(i: DefenderIndicator, expirationTime: string | null): IndicatorDraft {
  const action = submittableAction(i.action);
  if (!action) {
    throw new ValidationError(
      `Indicator ${i.id} uses the retired action ${i.action}, which Defender no longer accepts; create a new indicator instead.`,
    );
  }
  const draft: IndicatorDraft = {
    indicatorType: i.indicatorType,
    indicatorValue: i.indicatorValue,
    action,
    title: i.title?.trim() || `${ACTION_LABELS[i.action]} ${i.indicatorValue}`.slice(0, 200),
    description: i.description?.trim() || `${ACTION_LABELS[i.action]} ${i.indicatorValue}`.slice(0, 200),
    severity: i.severity ?? 'Informational',
    generateAlert: action === 'Audit' ? true : (i.generateAlert ?? false),
    expirationTime,
    rbacGroupNames: [...(i.rbacGroupNames ?? [])],
  };
  if (i.recommendedActions) draft.recommendedActions = i.recommendedActions;
  return draft;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the form Defender and the request model use. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
