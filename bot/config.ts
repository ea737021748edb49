/**
 * The configuration contract of SPEC.md §8. This is the only module that reads `process.env`; it validates
 * every variable at once, names every bad one, and returns a frozen {@link Config}.
 */
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './errors';
import { Secret } from './secret';

/** The local Agents Playground's tenant and default user (Alex Wilber). */
export const LOCAL_TENANT_ID = '00000000-0000-0000-0000-0000000000001';
export const LOCAL_USER_ID = '00000000-0000-0000-0000-0000000000020';

/** Token scope of the Defender for Endpoint API (the legacy resource is required by some endpoints). */
export const DEFENDER_SCOPE_WORLDWIDE = 'https://api.securitycenter.microsoft.com/.default';

export type BotMode = 'local' | 'production';
export type ApprovalMode = 'required' | 'none';
export type AppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Settings handed to botbuilder's `ConfigurationBotFrameworkAuthentication`. */
export interface BotAuthSettings {
  readonly MicrosoftAppId: string;
  readonly MicrosoftAppPassword?: Secret;
  readonly MicrosoftAppType: AppType;
  readonly MicrosoftAppTenantId?: string;
  readonly CertificateThumbprint?: string;
  readonly CertificatePrivateKey?: Secret;
  readonly ChannelService?: string;
  readonly OAuthUrl?: string;
  readonly ToBotFromChannelOpenIdMetadataUrl?: string;
  readonly ToBotFromChannelTokenIssuer?: string;
  readonly ToBotFromEmulatorOpenIdMetadataUrl?: string;
  readonly ToChannelFromBotLoginUrl?: string;
  readonly ToChannelFromBotOAuthScope?: string;
  readonly ValidateAuthority?: boolean;
}

/** The app identity used for Defender and Graph (the `@azure/identity` variable names). */
export interface AzureIdentitySettings {
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: Secret;
  readonly clientCertificatePath?: string;
  readonly federatedTokenFile?: string;
  readonly useManagedIdentity: boolean;
  readonly authorityHost?: string;
}

/** The validated, frozen configuration. */
export interface Config {
  readonly mode: BotMode;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly dataDir: string;
  /** The CA bundle Node was started to trust (`NODE_EXTRA_CA_CERTS`), if any. */
  readonly extraCaCertsFile?: string;
  readonly bot: BotAuthSettings;
  readonly azure: AzureIdentitySettings;
  readonly defender: { readonly apiUrl?: string; readonly tokenScope: string };
  readonly graph: { readonly apiUrl?: string };
  readonly storage: { readonly connectionString?: Secret };
  /** What local mode starts itself because nothing was configured in its place. */
  readonly embedded: { readonly simulator: boolean; readonly azurite: boolean; readonly playground: boolean };
  readonly approval: {
    readonly mode: ApprovalMode;
    readonly approverGroupId?: string;
    readonly approverUserIds: readonly string[];
    readonly adminUserIds: readonly string[];
    readonly allowSelfApproval: boolean;
    readonly pendingTtlHours: number;
    /** A submission claim older than this belongs to a dead instance and is taken over. */
    readonly submissionStaleSeconds: number;
    /** Approvals a request needs: the default, and stricter counts for Allow and for all-devices scope. */
    readonly requiredApprovals: {
      readonly default: number;
      readonly allow?: number;
      readonly allDevices?: number;
    };
  };
  readonly allowedTenantIds: readonly string[];
  readonly hits: {
    readonly pollSeconds: number;
    /** Which hit sources poll (SPEC §7). */
    readonly sources: { readonly alerts: boolean; readonly hunting: boolean };
    /** KQL of the hunting source; undefined = the built-in default. */
    readonly huntingQuery?: string;
    /** Hits on one indicator in one channel within this many seconds share one card. */
    readonly aggregationWindowSeconds: number;
  };
  readonly indicators: {
    readonly defaultExpiryDays: number;
    readonly maxExpiryDays: number;
    readonly defaultDeviceGroups: readonly string[];
    /** Device groups that hold only iOS/Android devices (file and certificate indicators do nothing there). */
    readonly mobileDeviceGroups: readonly string[];
    readonly protectedDomains: readonly string[];
    readonly tenantDomains: readonly string[];
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/** Every variable this module reads, for `.env.example` and the deployment-template test. */
export const CONFIG_VARIABLES = [
  'PORT',
  'LOG_LEVEL',
  'DATA_DIR',
  'BOT_MODE',
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'CertificateThumbprint',
  'CertificatePrivateKey',
  'ChannelService',
  'OAuthUrl',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromChannelTokenIssuer',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ValidateAuthority',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_USE_MANAGED_IDENTITY',
  'AZURE_AUTHORITY_HOST',
  'DEFENDER_API_URL',
  'DEFENDER_TOKEN_SCOPE',
  'GRAPH_API_URL',
  'STORAGE_CONNECTION_STRING',
  'APPROVER_GROUP_ID',
  'APPROVER_USER_IDS',
  'ADMIN_USER_IDS',
  'ALLOW_SELF_APPROVAL',
  'PENDING_TTL_HOURS',
  'SUBMISSION_STALE_SECONDS',
  'APPROVALS_REQUIRED',
  'APPROVALS_REQUIRED_ALLOW',
  'APPROVALS_REQUIRED_ALL_DEVICES',
  'ALLOWED_TENANT_IDS',
  'APPROVAL_MODE',
  'PLAYGROUND',
  'HIT_POLL_SECONDS',
  'HIT_SOURCE_ALERTS',
  'HIT_SOURCE_HUNTING',
  'HIT_HUNTING_QUERY',
  'HIT_AGGREGATION_WINDOW_SECONDS',
  'DEFAULT_EXPIRY_DAYS',
  'MAX_EXPIRY_DAYS',
  'DEFAULT_DEVICE_GROUPS',
  'MOBILE_DEVICE_GROUPS',
  'PROTECTED_DOMAINS',
  'TENANT_DOMAINS',
  'NODE_EXTRA_CA_CERTS',
] as const;

const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const trimmed = z.string().trim();
const intIn = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);
const bool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');
const onOff = z.enum(['on', 'off'], { error: 'must be on or off' }).transform((v) => v === 'on');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);
const url = (protocols: readonly string[]) =>
  trimmed.refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be an absolute ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`,
  );
const domainList = list.refine(
  (ds) => ds.every((d) => /^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z0-9-]+$/i.test(d)),
  'must be a comma-separated list of domain names',
);

const schema = z.object({
  PORT: opt(intIn(1, 65535)),
  LOG_LEVEL: opt(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  DATA_DIR: opt(trimmed),
  BOT_MODE: opt(z.enum(['local', 'production'], { error: 'must be local or production' })),
  MicrosoftAppId: opt(trimmed),
  MicrosoftAppPassword: opt(z.string()),
  MicrosoftAppType: opt(
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
      error: 'must be MultiTenant, SingleTenant or UserAssignedMSI',
    }),
  ),
  MicrosoftAppTenantId: opt(trimmed),
  CertificateThumbprint: opt(trimmed),
  CertificatePrivateKey: opt(z.string()),
  ChannelService: opt(trimmed),
  OAuthUrl: opt(url(['https:', 'http:'])),
  ToBotFromChannelOpenIdMetadataUrl: opt(url(['https:', 'http:'])),
  ToBotFromChannelTokenIssuer: opt(trimmed),
  ToBotFromEmulatorOpenIdMetadataUrl: opt(url(['https:', 'http:'])),
  ToChannelFromBotLoginUrl: opt(url(['https:', 'http:'])),
  ToChannelFromBotOAuthScope: opt(trimmed),
  ValidateAuthority: opt(bool),
  AZURE_TENANT_ID: opt(trimmed),
  AZURE_CLIENT_ID: opt(trimmed),
  AZURE_CLIENT_SECRET: opt(z.string()),
  AZURE_CLIENT_CERTIFICATE_PATH: opt(trimmed),
  AZURE_FEDERATED_TOKEN_FILE: opt(trimmed),
  AZURE_USE_MANAGED_IDENTITY: opt(bool),
  AZURE_AUTHORITY_HOST: opt(url(['https:'])),
  DEFENDER_API_URL: opt(url(['https:', 'http:'])),
  DEFENDER_TOKEN_SCOPE: opt(trimmed),
  GRAPH_API_URL: opt(url(['https:', 'http:'])),
  STORAGE_CONNECTION_STRING: opt(z.string()),
  APPROVER_GROUP_ID: opt(trimmed),
  APPROVER_USER_IDS: opt(list),
  ADMIN_USER_IDS: opt(list),
  ALLOW_SELF_APPROVAL: opt(bool),
  PENDING_TTL_HOURS: opt(intIn(1, 24 * 14)),
  SUBMISSION_STALE_SECONDS: opt(intIn(1, 86_400)),
  APPROVALS_REQUIRED: opt(intIn(1, 10)),
  APPROVALS_REQUIRED_ALLOW: opt(intIn(1, 10)),
  APPROVALS_REQUIRED_ALL_DEVICES: opt(intIn(1, 10)),
  ALLOWED_TENANT_IDS: opt(list),
  APPROVAL_MODE: opt(z.enum(['required', 'none'], { error: 'must be required or none' })),
  PLAYGROUND: opt(onOff),
  HIT_POLL_SECONDS: opt(intIn(1, 3600)),
  HIT_SOURCE_ALERTS: opt(onOff),
  HIT_SOURCE_HUNTING: opt(onOff),
  HIT_HUNTING_QUERY: opt(z.string().max(20_000, 'must be at most 20,000 characters')),
  HIT_AGGREGATION_WINDOW_SECONDS: opt(intIn(0, 86_400)),
  DEFAULT_EXPIRY_DAYS: opt(intIn(1, 3650)),
  MAX_EXPIRY_DAYS: opt(intIn(1, 3650)),
  DEFAULT_DEVICE_GROUPS: opt(list),
  MOBILE_DEVICE_GROUPS: opt(list),
  PROTECTED_DOMAINS: opt(domainList),
  TENANT_DOMAINS: opt(domainList),
  NODE_EXTRA_CA_CERTS: opt(trimmed),
});
type Raw = z.infer<typeof schema>;

const secret = (v: string | undefined): Secret | undefined => (v === undefined ? undefined : new Secret(v));

/**
 * Reads and validates the configuration.
 * @param env - the environment to read; `process.env` when omitted.
 * @throws ConfigError naming every bad or missing variable.
 */
export function loadConfig(env: Env = process.env): Config {
  // Each variable on its own, so that a malformed one does not hide the problems of the others.
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.shape)) {
    const result = (field as z.ZodType).safeParse(env[name]);
    if (result.success) values[name] = result.data;
    else problems.push(...result.error.issues.map((i) => ({ variable: name, message: i.message })));
  }
  const raw = values as Raw;
  // A variable that is already malformed is not also reported as missing.
  const problem = (variable: string, message: string): void => {
    if (!problems.some((p) => p.variable === variable)) problems.push({ variable, message });
  };

  const mode: BotMode = raw.BOT_MODE ?? (raw.MicrosoftAppId ? 'production' : 'local');
  const local = mode === 'local';
  const appType: AppType = raw.MicrosoftAppType ?? (local ? 'MultiTenant' : 'SingleTenant');

  if (!local) checkProduction(raw, appType, problem);

  const explicitServices = {
    DEFENDER_API_URL: raw.DEFENDER_API_URL,
    GRAPH_API_URL: raw.GRAPH_API_URL,
    AZURE_AUTHORITY_HOST: raw.AZURE_AUTHORITY_HOST,
  };
  const setServices = Object.entries(explicitServices).filter(([, v]) => v !== undefined);
  const embeddedSimulator = local && setServices.length === 0;
  if (local && setServices.length > 0 && setServices.length < 3) {
    for (const [name, value] of Object.entries(explicitServices)) {
      if (value === undefined) {
        problem(
          name,
          `must be set too when ${setServices.map(([n]) => n).join(', ')} is set (or set none of them)`,
        );
      }
    }
  }
  if (!embeddedSimulator) checkAppIdentity(raw, problem);

  const defaultExpiryDays = raw.DEFAULT_EXPIRY_DAYS ?? 30;
  const maxExpiryDays = raw.MAX_EXPIRY_DAYS ?? 365;
  if (defaultExpiryDays > maxExpiryDays) {
    problem('DEFAULT_EXPIRY_DAYS', `must not exceed MAX_EXPIRY_DAYS (${maxExpiryDays})`);
  }

  const allowedTenantIds =
    raw.ALLOWED_TENANT_IDS ??
    (local ? [LOCAL_TENANT_ID] : [raw.MicrosoftAppTenantId ?? raw.AZURE_TENANT_ID].filter(isString));
  if (allowedTenantIds.length === 0) {
    problem('ALLOWED_TENANT_IDS', 'must name at least one tenant (or set MicrosoftAppTenantId)');
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const config: Config = {
    mode,
    port: raw.PORT ?? 3978,
    logLevel: raw.LOG_LEVEL ?? 'info',
    dataDir: raw.DATA_DIR ?? '.data',
    extraCaCertsFile: raw.NODE_EXTRA_CA_CERTS,
    bot: {
      MicrosoftAppId: raw.MicrosoftAppId ?? '',
      MicrosoftAppPassword: secret(raw.MicrosoftAppPassword),
      MicrosoftAppType: appType,
      MicrosoftAppTenantId: raw.MicrosoftAppTenantId,
      CertificateThumbprint: raw.CertificateThumbprint,
      CertificatePrivateKey: secret(raw.CertificatePrivateKey),
      ChannelService: raw.ChannelService,
      OAuthUrl: raw.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl: raw.ToBotFromChannelOpenIdMetadataUrl,
      ToBotFromChannelTokenIssuer: raw.ToBotFromChannelTokenIssuer,
      ToBotFromEmulatorOpenIdMetadataUrl: raw.ToBotFromEmulatorOpenIdMetadataUrl,
      ToChannelFromBotLoginUrl: raw.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: raw.ToChannelFromBotOAuthScope,
      ValidateAuthority: raw.ValidateAuthority,
    },
    azure: {
      tenantId: raw.AZURE_TENANT_ID,
      clientId: raw.AZURE_CLIENT_ID,
      clientSecret: secret(raw.AZURE_CLIENT_SECRET),
      clientCertificatePath: raw.AZURE_CLIENT_CERTIFICATE_PATH,
      federatedTokenFile: raw.AZURE_FEDERATED_TOKEN_FILE,
      useManagedIdentity: raw.AZURE_USE_MANAGED_IDENTITY ?? false,
      authorityHost: raw.AZURE_AUTHORITY_HOST ?? (local ? undefined : 'https://login.microsoftonline.com'),
    },
    defender: {
      apiUrl: raw.DEFENDER_API_URL ?? (local ? undefined : 'https://api.security.microsoft.com'),
      tokenScope: raw.DEFENDER_TOKEN_SCOPE ?? DEFENDER_SCOPE_WORLDWIDE,
    },
    graph: { apiUrl: raw.GRAPH_API_URL ?? (local ? undefined : 'https://graph.microsoft.com') },
    storage: { connectionString: secret(raw.STORAGE_CONNECTION_STRING) },
    embedded: {
      simulator: embeddedSimulator,
      azurite: local && raw.STORAGE_CONNECTION_STRING === undefined,
      playground: local && (raw.PLAYGROUND ?? true),
    },
    approval: {
      mode: raw.APPROVAL_MODE ?? 'required',
      approverGroupId: raw.APPROVER_GROUP_ID,
      approverUserIds: raw.APPROVER_USER_IDS ?? (local ? [LOCAL_USER_ID] : []),
      adminUserIds: raw.ADMIN_USER_IDS ?? (local ? [LOCAL_USER_ID] : []),
      allowSelfApproval: raw.ALLOW_SELF_APPROVAL ?? local,
      pendingTtlHours: raw.PENDING_TTL_HOURS ?? 24,
      submissionStaleSeconds: raw.SUBMISSION_STALE_SECONDS ?? 300,
      requiredApprovals: {
        default: raw.APPROVALS_REQUIRED ?? 1,
        allow: raw.APPROVALS_REQUIRED_ALLOW,
        allDevices: raw.APPROVALS_REQUIRED_ALL_DEVICES,
      },
    },
    allowedTenantIds,
    hits: {
      pollSeconds: raw.HIT_POLL_SECONDS ?? (local ? 5 : 60),
      sources: { alerts: raw.HIT_SOURCE_ALERTS ?? true, hunting: raw.HIT_SOURCE_HUNTING ?? true },
      huntingQuery: raw.HIT_HUNTING_QUERY,
      aggregationWindowSeconds: raw.HIT_AGGREGATION_WINDOW_SECONDS ?? 600,
    },
    indicators: {
      defaultExpiryDays,
      maxExpiryDays,
      defaultDeviceGroups: raw.DEFAULT_DEVICE_GROUPS ?? [],
      mobileDeviceGroups: raw.MOBILE_DEVICE_GROUPS ?? (local ? ['iOS', 'Android'] : []),
      protectedDomains: raw.PROTECTED_DOMAINS ?? [],
      tenantDomains: raw.TENANT_DOMAINS ?? [],
    },
  };
  return deepFreeze(config);
}

/**
 * The environment for a child process (Azurite, the Playground, a relaunch of the bot): this process's
 * environment with `extra` laid over it.
 */
export function childProcessEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

function checkProduction(raw: Raw, appType: AppType, problem: (v: string, m: string) => void): void {
  if (!raw.MicrosoftAppId) problem('MicrosoftAppId', 'is required in production mode (the bot identity)');
  if (appType !== 'UserAssignedMSI' && !raw.MicrosoftAppPassword && !raw.CertificateThumbprint) {
    problem(
      'MicrosoftAppPassword',
      `is required for MicrosoftAppType=${appType} (or set CertificateThumbprint)`,
    );
  }
  if (appType !== 'MultiTenant' && !raw.MicrosoftAppTenantId) {
    problem('MicrosoftAppTenantId', `is required for MicrosoftAppType=${appType}`);
  }
  if (raw.APPROVAL_MODE === 'none') {
    problem('APPROVAL_MODE', 'none is refused in production mode (local demos and tests only)');
  }
  if (raw.ALLOW_SELF_APPROVAL === true && !raw.APPROVER_GROUP_ID && !raw.APPROVER_USER_IDS) {
    problem('ALLOW_SELF_APPROVAL', 'true needs APPROVER_GROUP_ID or APPROVER_USER_IDS');
  }
  if (!raw.APPROVER_GROUP_ID && !raw.APPROVER_USER_IDS) {
    problem('APPROVER_GROUP_ID', 'or APPROVER_USER_IDS is required in production mode (who may approve)');
  }
  if (!raw.STORAGE_CONNECTION_STRING) {
    problem('STORAGE_CONNECTION_STRING', 'is required in production mode');
  }
  for (const name of ['DEFENDER_API_URL', 'GRAPH_API_URL'] as const) {
    const value = raw[name];
    if (value !== undefined && !value.startsWith('https:'))
      problem(name, 'must be an https URL in production mode');
  }
}

function checkAppIdentity(raw: Raw, problem: (v: string, m: string) => void): void {
  const usesManagedIdentity = raw.AZURE_USE_MANAGED_IDENTITY === true;
  if (!usesManagedIdentity && !raw.AZURE_FEDERATED_TOKEN_FILE) {
    if (!raw.AZURE_TENANT_ID)
      problem('AZURE_TENANT_ID', 'is required (the tenant of the app that calls Defender)');
    if (!raw.AZURE_CLIENT_ID) problem('AZURE_CLIENT_ID', 'is required (the app that calls Defender)');
    if (!raw.AZURE_CLIENT_SECRET && !raw.AZURE_CLIENT_CERTIFICATE_PATH) {
      problem(
        'AZURE_CLIENT_SECRET',
        'is required, or AZURE_CLIENT_CERTIFICATE_PATH, or AZURE_USE_MANAGED_IDENTITY=true',
      );
    }
  }
}

function isString(v: string | undefined): v is string {
  return typeof v === 'string';
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Secret) && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
