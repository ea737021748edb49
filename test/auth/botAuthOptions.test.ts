import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { BotAuthSettings } from '../../bot/config';
import { Secret } from '../../bot/secret';
import { PasswordCredentialsFactory, botAuthOptions } from '../../bot/teams/adapter';

const bot: BotAuthSettings = {
  MicrosoftAppId: 'app-id',
  MicrosoftAppPassword: new Secret('pw'),
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: 'tenant-id',
};

const ENDPOINTS = [
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'OAuthUrl',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'CallerId',
];

describe('botAuthOptions', () => {
  it("leaves every endpoint to botbuilder's cloud defaults when none is overridden", () => {
    const options = botAuthOptions(bot);
    assert.deepEqual(
      ENDPOINTS.filter((k) => k in options),
      [],
    );
  });

  it('fills the endpoints not overridden from public Azure once one is', () => {
    const options = botAuthOptions({ ...bot, ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:1/meta' });
    assert.deepEqual(Object.fromEntries(ENDPOINTS.map((k) => [k, options[k]])), {
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      OAuthUrl: 'https://api.botframework.com',
      ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:1/meta',
      ToBotFromEmulatorOpenIdMetadataUrl:
        'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
      CallerId: 'urn:botframework:azure',
    });
    assert.equal(options.ValidateAuthority, true);
  });

  it('fills them from US Government when ChannelService names it', () => {
    const options = botAuthOptions({
      ...bot,
      ChannelService: 'https://botframework.azure.us',
      ToChannelFromBotOAuthScope: 'https://api.botframework.us',
    });
    assert.equal(options.ToBotFromChannelTokenIssuer, 'https://api.botframework.us');
    assert.equal(options.CallerId, 'urn:botframework:azureusgov');
  });

  it('hands the password over only when asked to', () => {
    assert.equal(botAuthOptions(bot).MicrosoftAppPassword, 'pw');
    assert.equal('MicrosoftAppPassword' in botAuthOptions(bot, { includePassword: false }), false);
  });

  it('never shows the password when the options are printed as JSON without it', () => {
    assert.ok(!JSON.stringify(botAuthOptions(bot, { includePassword: false })).includes('pw'));
  });
});

describe('PasswordCredentialsFactory', () => {
  const factory = new PasswordCredentialsFactory(bot, 'https://api.botframework.com');

  it('accepts only its own app id as valid', async () => {
    assert.equal(await factory.isValidAppId('app-id'), true);
    assert.equal(await factory.isValidAppId('another'), false);
  });

  it('reports authentication as enabled for an app id', async () => {
    assert.equal(await factory.isAuthenticationDisabled(), false);
  });

  it('refuses to make credentials for another app id', async () => {
    await assert.rejects(
      factory.createCredentials(
        'another',
        undefined,
        'https://login.microsoftonline.com/botframework.com',
        true,
      ),
      { name: 'Error', message: 'Invalid appId.' },
    );
  });

  it('reuses one credential per login endpoint and scope, so tokens are cached across turns', async () => {
    const login = 'https://login.microsoftonline.com/botframework.com';
    const a = await factory.createCredentials('app-id', 'https://api.botframework.com', login, true);
    const b = await factory.createCredentials('app-id', 'https://api.botframework.com/.default', login, true);
    const c = await factory.createCredentials('app-id', 'https://other.example', login, true);
    assert.equal(a, b);
    assert.notEqual(a, c);
  });
});
