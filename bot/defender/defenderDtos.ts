/**
 * The Defender indicator API's wire shapes, checked with zod where they cross into the bot
 * (reference/defender-api.md §1, §2). Responses carry many undocumented fields (§1.4); they are accepted and
 * kept, never rejected.
 */
import { z } from 'zod';

/** `indicatorType` values (reference §1.1). */
export const DEFENDER_INDICATOR_TYPES = [
  'FileSha1',
  'FileSha256',
  'FileMd5',
  'CertificateThumbprint',
  'IpAddress',
  'DomainName',
  'Url',
] as const;
export type DefenderIndicatorType = (typeof DEFENDER_INDICATOR_TYPES)[number];

/** `action` values, the legacy `Alert` and `AlertAndBlock` included because old indicators still carry them. */
export const DEFENDER_ACTIONS = [
  'Warn',
  'Block',
  'Audit',
  'Alert',
  'AlertAndBlock',
  'BlockAndRemediate',
  'Allowed',
] as const;
export type DefenderAction = (typeof DEFENDER_ACTIONS)[number];

export const DEFENDER_SEVERITIES = ['Informational', 'Low', 'Medium', 'High'] as const;
export type DefenderSeverity = (typeof DEFENDER_SEVERITIES)[number];

const dateTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date-time');
/** Indicator ids are strings holding a decimal number (`"994"`); a bare number is tolerated and converted. */
export const indicatorIdSchema = z.union([
  z.string().regex(/^\d+$/, 'must be a decimal string'),
  z
    .number()
    .int()
    .nonnegative()
    .transform((n) => String(n)),
]);
const nullableString = z.string().nullish();
const stringList = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

/** One indicator as Defender returns it. Unknown fields pass through. */
export const indicatorDtoSchema = z.looseObject({
  id: indicatorIdSchema,
  indicatorValue: z.string(),
  indicatorType: z.enum(DEFENDER_INDICATOR_TYPES),
  action: z.enum(DEFENDER_ACTIONS),
  title: nullableString,
  description: nullableString,
  application: nullableString,
  severity: z.enum(DEFENDER_SEVERITIES).nullish(),
  recommendedActions: nullableString,
  generateAlert: z.boolean().nullish(),
  expirationTime: dateTime.nullish(),
  creationTimeDateTimeUtc: dateTime.nullish(),
  lastUpdateTime: dateTime.nullish(),
  createdBy: nullableString,
  createdByDisplayName: nullableString,
  createdBySource: nullableString,
  lastUpdatedBy: nullableString,
  source: nullableString,
  sourceType: nullableString,
  externalId: nullableString,
  externalID: nullableString,
  educateUrl: nullableString,
  /** An integer in real responses (reference §1.4), a PascalCase name in the CSV template. */
  category: z.union([z.number().int(), z.string()]).nullish(),
  bypassDurationHours: z.number().nullish(),
  rbacGroupNames: stringList,
  rbacGroupIds: z
    .array(z.union([z.string(), z.number().transform((n) => String(n))]))
    .nullish()
    .transform((v) => v ?? []),
  mitreTechniques: stringList,
  historicalDetection: z.boolean().nullish(),
  lookBackPeriod: z.union([z.string(), z.number()]).nullish(),
});
export type IndicatorDto = z.output<typeof indicatorDtoSchema>;

/** A page of `GET /api/indicators`. */
export const indicatorListDtoSchema = z.looseObject({
  '@odata.context': z.string().optional(),
  '@odata.nextLink': z.string().optional(),
  value: z.array(indicatorDtoSchema),
});

/** One entry of the import response (reference §2.5). */
export const importResultItemDtoSchema = z.looseObject({
  id: indicatorIdSchema.nullish(),
  indicator: z.string().nullish(),
  isFailed: z.boolean(),
  failureReason: z.string().nullish(),
});

export const importResultDtoSchema = z.looseObject({ value: z.array(importResultItemDtoSchema) });

/** Defender's error body: `{"error":{"code","message","target"}}` (reference §2.9). */
export const errorDtoSchema = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string().nullish(),
    target: z.string().nullish(),
  }),
});

/** One entry of `GET /api/exposureScore/ByMachineGroups` (reference §8). */
export const machineGroupScoreDtoSchema = z.looseObject({
  rbacGroupName: z.string(),
  rbacGroupId: z.union([z.number().int(), z.string()]).nullish(),
});

export const machineGroupScoreListDtoSchema = z.looseObject({
  '@odata.nextLink': z.string().optional(),
  value: z.array(machineGroupScoreDtoSchema),
});

/** What the bot sends to create or update an indicator (reference §1.3). */
export const indicatorSubmissionSchema = z
  .object({
    indicatorValue: z.string().min(1),
    indicatorType: z.enum(DEFENDER_INDICATOR_TYPES),
    action: z.enum(DEFENDER_ACTIONS),
    title: z.string().min(1),
    description: z.string().min(1),
    application: z.string().optional(),
    expirationTime: z.string().optional(),
    severity: z.enum(DEFENDER_SEVERITIES).optional(),
    recommendedActions: z.string().optional(),
    rbacGroupNames: z.array(z.string().min(1)).optional(),
    generateAlert: z.boolean().optional(),
    educateUrl: z.string().optional(),
    externalId: z.string().optional(),
  })
  .refine((s) => s.action !== 'Audit' || s.generateAlert === true, {
    message: 'Audit requires generateAlert: true',
    path: ['generateAlert'],
  });
