/**
 * How many distinct approvers a request needs (SPEC §6, issue #6): a default count, with stricter counts for the
 * riskiest requests — Allow (it overrides every Block and Warn on the value) and all-devices scope. The highest
 * count that applies wins.
 */
import type { Config } from '../config';
import type { RequestFields } from './indicatorRequest';

/** The settings: `config.approval.requiredApprovals`. */
export type RequiredApprovalsSettings = Config['approval']['requiredApprovals'];

/** Approvals needed for a request with these fields (never below 1). */
export function requiredApprovalsFor(settings: RequiredApprovalsSettings, fields: RequestFields): number {
  const counts = [settings.default];
  if (fields.action === 'allow' && settings.allow !== undefined) counts.push(settings.allow);
  if (fields.scope.kind === 'allDevices' && settings.allDevices !== undefined)
    counts.push(settings.allDevices);
  return Math.max(1, ...counts);
}
