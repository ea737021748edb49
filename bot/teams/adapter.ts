/**
 * Builds botbuilder's `CloudAdapter` from the configuration, with every auth setting passed explicitly (including
 * the metadata and issuer overrides, so tests can stand up their own OpenID metadata and sign their own tokens).
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { BotAuthSettings } from '../config';
import type { Logger } from '../logging';

/** The options object handed to `ConfigurationBotFrameworkAuthentication` (secrets revealed only here). */
export function botAuthOptions(bot: BotAuthSettings): ConfigurationBotFrameworkAuthenticationOptions {
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: bot.MicrosoftAppId,
    MicrosoftAppPassword: bot.MicrosoftAppPassword?.reveal(),
    MicrosoftAppType: bot.MicrosoftAppType,
    MicrosoftAppTenantId: bot.MicrosoftAppTenantId,
    CertificateThumbprint: bot.CertificateThumbprint,
    CertificatePrivateKey: bot.CertificatePrivateKey?.reveal(),
    ChannelService: bot.ChannelService,
    OAuthUrl: bot.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: bot.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromChannelTokenIssuer: bot.ToBotFromChannelTokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl: bot.ToBotFromEmulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: bot.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: bot.ToChannelFromBotOAuthScope,
    ValidateAuthority: bot.ValidateAuthority,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/** Builds the adapter with an error handler that logs with a correlation id and tells the user only that id. */
export function createAdapter(bot: BotAuthSettings, logger: Logger): CloudAdapter {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(botAuthOptions(bot)));
  adapter.onTurnError = async (context: TurnContext, error: Error): Promise<void> => {
    const correlationId = randomUUID();
    logger.error({ err: error, correlationId, activityId: context.activity.id }, 'unhandled error in turn');
    if (context.activity.type === 'message') {
      await context.sendActivity(`Something went wrong on our side. Please try again; if it keeps happening, give your admin this id: ${correlationId}`);
    }
  };
  return adapter;
}
