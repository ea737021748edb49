/**
 * Building what would be submitted from a validated value and the form's fields.
 */
import type { ValueResult } from './validateValue';
import { productActionLabel, fromApiAction, type IndicatorDraft, type Severity } from './types';

/** The form fields besides the value; omitted ones get generated defaults. */
export interface DraftFields {
  title?: string;
  description?: string;
  severity?: Severity;
  /** Ignored for Audit, which always raises an alert. */
  generateAlert?: boolean;
  expirationTime: string | null;
  recommendedActions?: string;
  /** Shown in the generated description, e.g. the requester. */
  requestedBy?: string;
}

/** Longest generated title; the API documents no limit, so this only keeps cards readable. */
const TITLE_MAX = 200;

/**
 * The draft for a value whose verdict is not `error`, or undefined. Title and description default to
 * "Block evil.example.com" and "Requested in Teams by …"; severity defaults to Medium; Audit forces
 * `generateAlert: true`.
 */
export function buildDraft(result: ValueResult, fields: DraftFields): IndicatorDraft | undefined {
  if (result.verdict === 'error' || !result.type || !result.value || !result.apiAction) return undefined;
  const label = productActionLabel(fromApiAction(result.apiAction));
  const title = fields.title?.trim() || `${label} ${result.value}`.slice(0, TITLE_MAX);
  const description =
    fields.description?.trim() ||
    `Requested in Teams${fields.requestedBy ? ` by ${fields.requestedBy}` : ''}.`;
  const draft: IndicatorDraft = {
    indicatorType: result.type,
    indicatorValue: result.value,
    action: result.apiAction,
    title,
    description,
    severity: fields.severity ?? 'Medium',
    generateAlert: result.apiAction === 'Audit' ? true : (fields.generateAlert ?? false),
    expirationTime: fields.expirationTime,
    rbacGroupNames: result.scope?.kind === 'groups' ? [...result.scope.groups] : [],
  };
  if (fields.recommendedActions?.trim()) draft.recommendedActions = fields.recommendedActions.trim();
  return draft;
}
