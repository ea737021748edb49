/**
 * Builds botbuilder's `CloudAdapter` from the configuration, with every auth setting passed explicitly (including
 * the metadata and issuer overrides, so tests can stand up their own OpenID metadata and sign their own tokens).
 */
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
// botbuilder's own dependency (pinned 4.23.3 by it); CloudAdapter answers 401 only for this class.
import { AuthenticationError } from 'botframework-connector';
import type { BotAuthSettings } from '../config';
import { isMicrosoftAuthority } from '../identity/credentials';
import type { Logger } from '../logging';
import { errorText } from './replies';
import { TenantGuard } from './tenantGuard';
import { TurnLogger, correlationIdOf, turnLoggerOf } from './turnLogger';

/**
 * botbuilder's credential factory contract (`ServiceClientCredentialsFactory` of `botframework-connector`, which
 * `botbuilder` does not re-export), taken from the constructor that consumes it.
 */
export type BotCredentialsFactory = NonNullable<
  ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]
>;
type ServiceClientCredentials = Awaited<ReturnType<BotCredentialsFactory['createCredentials']>>;
type WebResource = Parameters<ServiceClientCredentials['signRequest']>[0];

/** The Bot Framework endpoints of one cloud (`botframework-connector` `AuthenticationConstants`). */
interface CloudEndpoints {
  readonly ToChannelFromBotLoginUrl: string;
  readonly ToChannelFromBotOAuthScope: string;
  readonly ToBotFromChannelTokenIssuer: string;
  readonly OAuthUrl: string;
  readonly ToBotFromChannelOpenIdMetadataUrl: string;
  readonly ToBotFromEmulatorOpenIdMetadataUrl: string;
  readonly CallerId: string;
}

/** Public Azure (`AuthenticationConstants`, `CallerIdConstants.PublicAzureChannel`). */
const PUBLIC_CLOUD: CloudEndpoints = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl:
    'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
};

/** US Government (`GovernmentConstants`, `CallerIdConstants.USGovChannel`). */
const US_GOVERNMENT_CHANNEL_SERVICE = 'https://botframework.azure.us';
const US_GOVERNMENT_CLOUD: CloudEndpoints = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us',
  ToChannelFromBotOAuthScope: 'https://api.botframework.us',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.us',
  OAuthUrl: 'https://api.botframework.azure.us',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl:
    'https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azureusgov',
};

const ENDPOINT_KEYS = [
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'OAuthUrl',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
] as const;

/**
 * The options object handed to `ConfigurationBotFrameworkAuthentication`.
 * @remarks botbuilder switches to "everything is configured explicitly" as soon as one endpoint override is set,
 * and then leaves every endpoint that was not set undefined. So when any is overridden, the others are filled
 * from the cloud that `ChannelService` names (public Azure when empty). The password is included only when
 * `includePassword` is true, i.e. when botbuilder's own credential factory needs it; the certificate key is
 * always included because only botbuilder's factory handles certificates.
 */
export function botAuthOptions(
  bot: BotAuthSettings,
  { includePassword = true }: { readonly includePassword?: boolean } = {},
): ConfigurationBotFrameworkAuthenticationOptions {
  const overridden = ENDPOINT_KEYS.some((k) => bot[k] !== undefined);
  const cloud = bot.ChannelService === US_GOVERNMENT_CHANNEL_SERVICE ? US_GOVERNMENT_CLOUD : PUBLIC_CLOUD;
  const endpoint = (k: (typeof ENDPOINT_KEYS)[number]): string | undefined =>
    bot[k] ?? (overridden ? cloud[k] : undefined);
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: bot.MicrosoftAppId,
    MicrosoftAppPassword: includePassword ? bot.MicrosoftAppPassword?.reveal() : undefined,
    MicrosoftAppType: bot.MicrosoftAppType,
    MicrosoftAppTenantId: bot.MicrosoftAppTenantId,
    CertificateThumbprint: bot.CertificateThumbprint,
    CertificatePrivateKey: bot.CertificatePrivateKey?.reveal(),
    ChannelService: bot.ChannelService,
    OAuthUrl: endpoint('OAuthUrl'),
    ToBotFromChannelOpenIdMetadataUrl: endpoint('ToBotFromChannelOpenIdMetadataUrl'),
    ToBotFromChannelTokenIssuer: endpoint('ToBotFromChannelTokenIssuer'),
    ToBotFromEmulatorOpenIdMetadataUrl: endpoint('ToBotFromEmulatorOpenIdMetadataUrl'),
    ToChannelFromBotLoginUrl: endpoint('ToChannelFromBotLoginUrl'),
    ToChannelFromBotOAuthScope: endpoint('ToChannelFromBotOAuthScope'),
    ValidateAuthority: bot.ValidateAuthority ?? (overridden ? true : undefined),
    CallerId: overridden ? cloud.CallerId : undefined,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/** Signs connector requests with a bearer token from a `TokenCredential`. */
class TokenCredentialServiceClientCredentials implements ServiceClientCredentials {
  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
  ) {}

  async signRequest(webResource: WebResource): Promise<WebResource> {
    const token = await this.credential.getToken(this.scope);
    if (!token) throw new Error('The bot credential returned no access token.');
    webResource.headers.set('authorization', `Bearer ${token.token}`);
    return webResource;
  }
}

/**
 * The bot's outbound (bot → connector) credentials for an app id and password, issued by `@azure/identity` from
 * the configured login endpoint.
 * @remarks botbuilder's default factory builds an MSAL client without known authorities, which first asks the
 * public cloud to vouch for any custom login endpoint (instance discovery) and so fails offline or in a private
 * cloud. Here discovery is switched off for hosts that are not Microsoft's, as for the Defender/Graph credential.
 * A SingleTenant app gets its tokens from its own tenant (`MicrosoftAppTenantId`); a MultiTenant one from the
 * tenant named in the login URL (`botframework.com` in public Azure).
 */
export class PasswordCredentialsFactory implements BotCredentialsFactory {
  private readonly credentials = new Map<string, ServiceClientCredentials>();

  constructor(
    private readonly bot: BotAuthSettings,
    private readonly defaultScope: string,
  ) {}

  isValidAppId(appId: string): Promise<boolean> {
    return Promise.resolve(appId === this.bot.MicrosoftAppId);
  }

  isAuthenticationDisabled(): Promise<boolean> {
    return Promise.resolve(this.bot.MicrosoftAppId === '');
  }

  createCredentials(
    appId: string,
    audience: string | undefined,
    loginEndpoint: string,
    _validateAuthority?: boolean,
  ): Promise<ServiceClientCredentials> {
    if (appId !== this.bot.MicrosoftAppId) return Promise.reject(new Error('Invalid appId.'));
    const base = audience ?? this.defaultScope;
    const scope = base.endsWith('/.default') ? base : `${base.replace(/\/+$/, '')}/.default`;
    const key = `${loginEndpoint}\u0000${scope}`;
    let credentials = this.credentials.get(key);
    if (credentials === undefined) {
      credentials = new TokenCredentialServiceClientCredentials(this.tokenCredential(loginEndpoint), scope);
      this.credentials.set(key, credentials);
    }
    return Promise.resolve(credentials);
  }

  private tokenCredential(loginEndpoint: string): TokenCredential {
    const url = new URL(loginEndpoint);
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const urlTenant = segments.pop() ?? '';
    const authorityHost = `${url.origin}${segments.map((s) => `/${s}`).join('')}`;
    const tenantId =
      this.bot.MicrosoftAppType === 'SingleTenant' ? (this.bot.MicrosoftAppTenantId ?? urlTenant) : urlTenant;
    return new ClientSecretCredential(
      tenantId,
      this.bot.MicrosoftAppId,
      this.bot.MicrosoftAppPassword?.reveal() ?? '',
      {
        authorityHost,
        ...(isMicrosoftAuthority(authorityHost) ? {} : { disableInstanceDiscovery: true }),
      },
    );
  }
}

/**
 * `ConfigurationBotFrameworkAuthentication` that turns every failure to authenticate an inbound request into a
 * bare 401 (`Unauthorized.`), and logs why (the reason only; never the header).
 * @remarks botbuilder 4.23.3 lets jsonwebtoken's own errors through (a token with `alg: none` or another
 * algorithm under a known key id, a forged signature, a token not yet valid), and `CloudAdapter.process` then
 * answers 500 with the error text. No handler runs either way; this makes the answer the right one.
 */
class StrictBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    options: ConfigurationBotFrameworkAuthenticationOptions,
    credentialsFactory: BotCredentialsFactory | undefined,
    private readonly logger: Logger,
  ) {
    super(options, credentialsFactory);
  }

  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      throw this.refusal(error, activity);
    }
  }

  override async authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): ReturnType<ConfigurationBotFrameworkAuthentication['authenticateStreamingRequest']> {
    try {
      return await super.authenticateStreamingRequest(authHeader, channelIdHeader);
    } catch (error) {
      throw this.refusal(error);
    }
  }

  private refusal(error: unknown, activity?: Activity): AuthenticationError {
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      { reason, activityType: activity?.type, channelId: activity?.channelId },
      'inbound request refused: not authenticated',
    );
    // The caller learns only that it was refused; why is for the log.
    return new AuthenticationError('Unauthorized.', 401);
  }
}

/** Optional parts of the adapter. */
export interface AdapterOptions {
  /**
   * Tenants the bot answers; when given, a {@link TenantGuard} refuses every other tenant before any handler
   * runs. (`config.allowedTenantIds`.)
   */
  readonly allowedTenantIds?: readonly string[];
  /** Replaces the outbound credential factory (tests, or a certificate/managed-identity setup of one's own). */
  readonly credentialsFactory?: BotCredentialsFactory;
}

/** Which credential factory the settings need: ours for an app password, botbuilder's for everything else. */
function credentialsFactoryFor(
  bot: BotAuthSettings,
  options: AdapterOptions,
): BotCredentialsFactory | undefined {
  if (options.credentialsFactory) return options.credentialsFactory;
  const usesPassword =
    bot.MicrosoftAppId !== '' &&
    bot.MicrosoftAppType !== 'UserAssignedMSI' &&
    bot.MicrosoftAppPassword !== undefined &&
    bot.CertificateThumbprint === undefined;
  if (!usesPassword) return undefined;
  const cloud = bot.ChannelService === US_GOVERNMENT_CHANNEL_SERVICE ? US_GOVERNMENT_CLOUD : PUBLIC_CLOUD;
  return new PasswordCredentialsFactory(
    bot,
    bot.ToChannelFromBotOAuthScope ?? cloud.ToChannelFromBotOAuthScope,
  );
}

/**
 * Builds the adapter: inbound JWT validation and outbound credentials from `bot`, a {@link TurnLogger} that
 * gives every turn a correlation id and one log line, an optional {@link TenantGuard}, and an error handler that
 * logs with the turn's correlation id and tells the user only that id.
 */
export function createAdapter(
  bot: BotAuthSettings,
  logger: Logger,
  options: AdapterOptions = {},
): CloudAdapter {
  const credentialsFactory = credentialsFactoryFor(bot, options);
  const auth = new StrictBotFrameworkAuthentication(
    botAuthOptions(bot, { includePassword: credentialsFactory === undefined }),
    credentialsFactory,
    logger,
  );
  const adapter = new CloudAdapter(auth);
  adapter.use(new TurnLogger(logger));
  if (options.allowedTenantIds !== undefined) adapter.use(new TenantGuard(options.allowedTenantIds, logger));
  adapter.onTurnError = async (context: TurnContext, error: Error): Promise<void> => {
    const correlationId = correlationIdOf(context);
    turnLoggerOf(context, logger).error(
      { err: error, activityId: context.activity.id },
      'unhandled error in turn',
    );
    if (context.activity.type === 'message') {
      await context.sendActivity(errorText(error, correlationId));
    }
  };
  return adapter;
}
