/**
 * Typed filters for `GET /api/indicators`, turned into an OData `$filter` that user input cannot reshape:
 * every value is a quoted string literal with `'` doubled, a boolean, or a formatted date-time
 * (reference/defender-api.md §2.6).
 */
import { ValidationError } from '../errors';
import type { DefenderAction, DefenderIndicatorType, DefenderSeverity } from './defenderDtos';

/** Conditions on documented filterable properties; all given conditions must hold. */
export interface IndicatorFilter {
  readonly indicatorValue?: string;
  readonly indicatorType?: DefenderIndicatorType;
  readonly action?: DefenderAction;
  readonly severity?: DefenderSeverity;
  readonly createdBy?: string;
  readonly application?: string;
  readonly title?: string;
  readonly generateAlert?: boolean;
  /** `contains(indicatorValue, …)`, as XSOAR uses it. */
  readonly indicatorValueContains?: string;
  /** `contains(title, …)`. */
  readonly titleContains?: string;
  /** `expirationTime lt …` */
  readonly expiresBefore?: Date;
  /** `creationTimeDateTimeUtc ge …` */
  readonly createdSince?: Date;
}

/** Quotes a value as an OData string literal. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function odataDate(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new ValidationError('A date in the indicator filter is invalid.');
  return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const EQUALS = [
  'indicatorValue',
  'indicatorType',
  'action',
  'severity',
  'createdBy',
  'application',
  'title',
] as const;

/**
 * Builds the `$filter` expression, or undefined when the filter is empty.
 * @throws ValidationError for an invalid date.
 */
export function buildIndicatorFilter(filter: IndicatorFilter): string | undefined {
  const terms: string[] = [];
  for (const field of EQUALS) {
    const value = filter[field];
    if (value !== undefined) terms.push(`${field} eq ${odataString(value)}`);
  }
  if (filter.generateAlert !== undefined)
    terms.push(`generateAlert eq ${filter.generateAlert ? 'true' : 'false'}`);
  if (filter.indicatorValueContains !== undefined) {
    terms.push(`contains(indicatorValue,${odataString(filter.indicatorValueContains)})`);
  }
  if (filter.titleContains !== undefined) terms.push(`contains(title,${odataString(filter.titleContains)})`);
  if (filter.expiresBefore !== undefined) terms.push(`expirationTime lt ${odataDate(filter.expiresBefore)}`);
  if (filter.createdSince !== undefined)
    terms.push(`creationTimeDateTimeUtc ge ${odataDate(filter.createdSince)}`);
  return terms.length === 0 ? undefined : terms.join(' and ');
}
