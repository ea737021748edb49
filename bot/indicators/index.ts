/**
 * The indicator engine's public API: pure TypeScript, no SDK imports.
 */
export * from './types';
export {
  cleanTeamsText,
  decodeEntities,
  refang,
  refangValue,
  splitValues,
  type RefangResult,
} from './refang';
export { checkIp, ipPatternProblem, looksLikeIp, DEFENDER_INTERNAL_IP, type IpCheck } from './ipAddress';
export { checkDomain, checkUrl, domainCovers, type HostCheck, type UrlParts } from './hostName';
export { checkHash, HASH_LENGTHS, type HashCheck, type HashType } from './hashes';
export {
  guardrailFindings,
  SERVICE_ENDPOINTS,
  type GuardrailLists,
  type ServiceEndpoint,
} from './guardrails';
export {
  DEFAULT_EFFECTIVENESS,
  EFFECT_KINDS,
  MOBILE_PLATFORMS,
  PLATFORMS,
  effectKind,
  effectivenessFindings,
  mergeEffectiveness,
  platformEffects,
  scopePlatforms,
  type EffectCell,
  type EffectKind,
  type EffectivenessMatrix,
  type EffectivenessOverride,
  type Enforcement,
  type Platform,
  type PlatformEffect,
} from './effectiveness';
export { parseExpiry, isExpirySyntax, type ExpiryResult, type ExpirySettings } from './expiry';
export { conflictFindings, urlHost, type ConflictSubject } from './conflicts';
export {
  classifyValue,
  resolveScope,
  validatePaste,
  validateValue,
  validateValues,
  MAX_VALUE_LENGTH,
  type ValidationContext,
  type ValueResult,
} from './validateValue';
export { buildDraft, type DraftFields } from './draft';
export {
  CSV_COLUMNS,
  IMPORT_BATCH_SIZE,
  MAX_CSV_ROWS,
  TENANT_INDICATOR_LIMIT,
  exportIndicatorCsv,
  neutraliseFormula,
  parseIndicatorCsv,
  type CsvColumn,
  type CsvContext,
  type CsvImport,
  type CsvReport,
  type ExportableIndicator,
  type RowResult,
} from './csvFormat';
