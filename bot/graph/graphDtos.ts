/**
 * Shapes of the Graph responses the bot reads (reference §7.2, §7.3), checked with zod at the boundary. Objects
 * are loose: Graph adds properties over time and the bot must not break on them.
 */
import { z } from 'zod';

/** One `alertEvidence` item; the fields the bot reads from device, URL and IP evidence are typed. */
export const alertEvidenceDtoSchema = z.looseObject({
  '@odata.type': z.string(),
  createdDateTime: z.string().nullish(),
  verdict: z.string().nullish(),
  remediationStatus: z.string().nullish(),
  // deviceEvidence
  mdeDeviceId: z.string().nullish(),
  azureAdDeviceId: z.string().nullish(),
  deviceDnsName: z.string().nullish(),
  osPlatform: z.string().nullish(),
  rbacGroupId: z.number().nullish(),
  rbacGroupName: z.string().nullish(),
  loggedOnUsers: z
    .array(z.looseObject({ accountName: z.string().nullish(), domainName: z.string().nullish() }))
    .nullish(),
  // urlEvidence
  url: z.string().nullish(),
  // ipEvidence
  ipAddress: z.string().nullish(),
});
export type AlertEvidenceDto = z.infer<typeof alertEvidenceDtoSchema>;

/** A `microsoft.graph.security.alert`. */
export const graphAlertDtoSchema = z.looseObject({
  id: z.string(),
  providerAlertId: z.string().nullish(),
  incidentId: z.string().nullish(),
  status: z.string().nullish(),
  severity: z.string().nullish(),
  serviceSource: z.string().nullish(),
  detectionSource: z.string().nullish(),
  tenantId: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  alertWebUrl: z.string().nullish(),
  createdDateTime: z.string(),
  lastUpdateDateTime: z.string(),
  firstActivityDateTime: z.string().nullish(),
  lastActivityDateTime: z.string().nullish(),
  evidence: z
    .array(alertEvidenceDtoSchema)
    .nullish()
    .transform((e) => e ?? []),
});
export type GraphAlertDto = z.infer<typeof graphAlertDtoSchema>;

/** One page of `GET /security/alerts_v2`. */
export const alertPageDtoSchema = z.looseObject({
  value: z.array(graphAlertDtoSchema),
  '@odata.nextLink': z.string().optional(),
});

/** A schema column; Graph's current pages use `name`/`type`, an older sample `Name`/`Type` (reference §7.3). */
const schemaColumnDtoSchema = z
  .union([
    z.looseObject({ name: z.string(), type: z.string() }),
    z.looseObject({ Name: z.string(), Type: z.string() }),
  ])
  .transform((c) => ('name' in c ? { name: c.name, type: c.type } : { name: c.Name, type: c.Type }));

/** `huntingQueryResults`. */
export const huntingQueryResultsDtoSchema = z.looseObject({
  schema: z.array(schemaColumnDtoSchema),
  results: z.array(z.record(z.string(), z.unknown())),
});
export type HuntingQueryResultsDto = z.infer<typeof huntingQueryResultsDtoSchema>;

/** The answer of `checkMemberGroups`. */
export const memberGroupsDtoSchema = z.looseObject({ value: z.array(z.string()) });

/** Graph's error body. */
export const graphErrorDtoSchema = z.looseObject({
  error: z.looseObject({ code: z.string(), message: z.string().optional() }),
});
