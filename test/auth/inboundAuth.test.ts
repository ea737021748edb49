import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { after, before, describe, it } from 'mocha';
import { teamsMessage } from '../support/teamsActivities';
import { APP_ID, APP_PASSWORD, ProductionHarness, TENANT_ID } from './productionHarness';

const REFUSED = 'inbound request refused: not authenticated';

describe('production mode over HTTP: inbound authentication', () => {
  const harness = new ProductionHarness();
  before(() => harness.start());
  after(() => harness.stop());

  const help = (): Record<string, unknown> => teamsMessage('/help', { tenantId: TENANT_ID });

  it('runs in production mode with a SingleTenant identity and the stub as the channel', () => {
    assert.equal(harness.config.mode, 'production');
    assert.equal(harness.config.bot.MicrosoftAppType, 'SingleTenant');
  });

  it('accepts a correctly signed activity and the /help reply reaches the connector', async () => {
    const before = harness.connector.sent().length;
    const message = help();
    const res = await harness.post(message, `Bearer ${harness.token()}`);
    assert.equal(res.status, 200);
    const sent = harness.connector.sent().slice(before);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.body.replyToId, message.id);
    assert.equal(
      (sent[0]?.body.attachments as Array<{ contentType: string }> | undefined)?.[0]?.contentType,
      'application/vnd.microsoft.card.adaptive',
    );
  });

  it('signs the reply with a token the configured login endpoint issued', async () => {
    const before = harness.connector.sent().length;
    await harness.post(help(), `Bearer ${harness.token()}`);
    const header = harness.connector.sent()[before]?.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    assert.ok(token, `no bearer token on the connector call: "${header}"`);
    assert.ok(harness.openId.issuedTokens.includes(token), 'the token was not issued by the stub');
  });

  it('asks the login endpoint for a connector token with the bot app id, its password and the connector scope', async () => {
    await harness.post(help(), `Bearer ${harness.token()}`);
    const request = harness.openId.tokenRequests.at(-1);
    assert.deepEqual(request, {
      tenant: TENANT_ID,
      clientId: APP_ID,
      scope: 'https://api.botframework.com/.default',
      grantType: 'client_credentials',
      secretMatched: true,
    });
  });

  it('asks the stub, not the public cloud, for anything the token needs', () => {
    // Instance discovery would go to login.microsoftonline.com and fail offline; the stub saw the discovery
    // of its own authority instead.
    assert.ok(
      harness.openId.requests.includes(`GET /${TENANT_ID}/v2.0/.well-known/openid-configuration`),
      harness.openId.requests.join('\n'),
    );
  });

  it('stores the conversation reference of an accepted activity', async () => {
    const before = (await harness.conversationsTable.list('conversation')).length;
    await harness.post(
      teamsMessage('/help', { tenantId: TENANT_ID, scope: 'channel' }),
      `Bearer ${harness.token()}`,
    );
    assert.equal((await harness.conversationsTable.list('conversation')).length, before + 1);
  });

  interface RefusedCase {
    readonly name: string;
    readonly authorization: () => string | undefined;
    /** Why botbuilder refused it (the logged reason), so each case fails for its own reason. */
    readonly reason: RegExp;
    readonly activity?: () => Record<string, unknown>;
  }
  const now = (): number => Math.floor(Date.now() / 1000);
  const refused: RefusedCase[] = [
    { name: 'no Authorization header', authorization: () => undefined, reason: /Request is not authorized/ },
    { name: 'an empty bearer token', authorization: () => 'Bearer ', reason: /No valid identity/ },
    {
      name: 'a token that is not a JWT',
      authorization: () => 'Bearer not-a-token',
      reason: /No valid identity/,
    },
    {
      name: 'a Basic credential',
      authorization: () => `Basic ${Buffer.from(`${APP_ID}:${APP_PASSWORD}`).toString('base64')}`,
      reason: /No valid identity/,
    },
    {
      name: 'an unsigned token (alg: none)',
      authorization: () => `Bearer ${harness.openId.unsigned({ serviceurl: harness.connector.url })}`,
      reason: /jwt signature is required/,
    },
    {
      name: 'an expired token',
      authorization: () =>
        `Bearer ${harness.openId.sign({ serviceurl: harness.connector.url }, { expiresInSeconds: -3600 })}`,
      reason: /expired/,
    },
    {
      name: 'a token for another audience',
      authorization: () => `Bearer ${harness.token({ aud: 'another-bot-app-id' })}`,
      reason: /Invalid AppId passed on token: another-bot-app-id/,
    },
    {
      name: 'a token from another issuer',
      authorization: () => `Bearer ${harness.token({ iss: 'https://evil.example' })}`,
      // The extractor drops tokens of unknown issuers before looking at the signature.
      reason: /No valid identity/,
    },
    {
      name: 'a token whose serviceurl claim names another service URL',
      authorization: () => `Bearer ${harness.token({ serviceurl: 'https://attacker.example/' })}`,
      reason: /ServiceUrl claim do not match/,
    },
    {
      name: 'a token without a serviceurl claim',
      authorization: () => `Bearer ${harness.openId.sign({})}`,
      reason: /ServiceUrl claim do not match/,
    },
    {
      name: 'a token signed under an unknown key id',
      authorization: () =>
        `Bearer ${harness.openId.sign({ serviceurl: harness.connector.url }, { kid: 'unknown-kid' })}`,
      reason: /Signing Key could not be retrieved/,
    },
    {
      name: 'a token with a forged signature under the known key id',
      authorization: () =>
        `Bearer ${harness.openId.sign({ serviceurl: harness.connector.url }, { foreignKey: true })}`,
      reason: /invalid signature/,
    },
    {
      name: 'a token not yet valid',
      authorization: () => `Bearer ${harness.token({ nbf: now() + 3600, iat: now() + 3600 })}`,
      reason: /jwt not active/,
    },
    {
      name: 'a token whose key is not endorsed for the activity channel',
      authorization: () => `Bearer ${harness.token()}`,
      activity: () => ({ ...help(), channelId: 'webchat' }),
      reason: /Could not validate endorsement/,
    },
    {
      name: 'a token signed HS256 with a secret under the known key id',
      authorization: () =>
        `Bearer ${jwt.sign(
          {
            iss: harness.openId.issuer,
            aud: APP_ID,
            serviceurl: harness.connector.url,
            nbf: now() - 60,
            exp: now() + 3600,
          },
          'an-hmac-secret',
          { algorithm: 'HS256', keyid: harness.openId.keyId, noTimestamp: true },
        )}`,
      reason: /invalid algorithm/,
    },
  ];
  describe('refusals', () => {
    // botbuilder writes every refusal to the console itself; keep the test output readable.
    const original = { error: console.error, warn: console.warn };
    before(() => {
      console.error = () => undefined;
      console.warn = () => undefined;
    });
    after(() => {
      console.error = original.error;
      console.warn = original.warn;
    });

    for (const c of refused) {
      it(`answers 401 to ${c.name} and runs no handler`, async () => {
        const calls = harness.connector.calls.length;
        const stored = (await harness.conversationsTable.list('conversation')).length;
        const logged = harness.logs.withMessage(REFUSED).length;
        const res = await harness.post(c.activity?.() ?? help(), c.authorization());
        assert.equal(res.status, 401);
        assert.equal(res.body, 'Unauthorized.', 'the caller learns why');
        assert.equal(harness.connector.calls.length, calls, 'the bot called the connector');
        assert.equal(
          (await harness.conversationsTable.list('conversation')).length,
          stored,
          'a reference was stored',
        );
        const lines = harness.logs.withMessage(REFUSED).slice(logged);
        assert.equal(lines.length, 1);
        assert.match(String(lines[0]?.reason), c.reason);
      });
    }

    it('refuses an invoke without a token and answers no card', async () => {
      const calls = harness.connector.calls.length;
      const res = await harness.post({
        ...help(),
        type: 'invoke',
        name: 'adaptiveCard/action',
        text: undefined,
      });
      assert.equal(res.status, 401);
      assert.equal(harness.connector.calls.length, calls);
    });

    it('never logs the token of a refused request', async () => {
      const token = harness.openId.sign({ serviceurl: 'https://attacker.example/' });
      await harness.post(help(), `Bearer ${token}`);
      assert.ok(!harness.logs.raw().includes(token.split('.')[2] ?? token));
    });
  });
});
