import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import jwt from 'jsonwebtoken';
import { ensureCa, issueServerCert } from '../../simulator/ca';
import { AUDIENCE } from '../../simulator/index';
import { startTestSim, TEST_CA_DIR, type TestSim } from './simHarness';

describe('simulator Entra', () => {
  let t: TestSim;
  let certPem: string;
  let certKeyPem: string;
  const certAppId = '22222222-2222-2222-2222-222222222222';

  before(async () => {
    const ca = await ensureCa(TEST_CA_DIR());
    const appCert = await issueServerCert(ca, ['cert-app.example.com']);
    certPem = appCert.certPem;
    certKeyPem = appCert.keyPem;
    // Real clock here: @azure/identity checks token lifetimes against the system clock.
    t = await startTestSim({
      now: () => new Date(),
      apps: [
        {
          clientId: certAppId,
          displayName: 'cert app',
          certificatePem: certPem,
          roles: { [AUDIENCE.graph]: ['SecurityAlert.Read.All'] },
        },
      ],
    });
  });
  after(async () => {
    await t.sim.close();
  });

  const tokenRequest = (form: Record<string, string>): ReturnType<TestSim['call']> =>
    t.call('POST', `/${t.sim.tenantId}/oauth2/v2.0/token`, { form });
  const goodForm = (): Record<string, string> => ({
    grant_type: 'client_credentials',
    client_id: t.sim.clientId,
    client_secret: t.sim.clientSecret,
    scope: `${AUDIENCE.defender}/.default`,
  });

  it('issues a Defender token to @azure/identity ClientSecretCredential with the simulator as authority host', async () => {
    const credential = new ClientSecretCredential(t.sim.tenantId, t.sim.clientId, t.sim.clientSecret, {
      authorityHost: t.sim.url,
      disableInstanceDiscovery: true,
    });
    const token = await credential.getToken(`${AUDIENCE.defender}/.default`);
    const claims = jwt.decode(token.token) as Record<string, unknown>;
    assert.equal(claims.aud, AUDIENCE.defender);
    assert.equal(claims.tid, t.sim.tenantId);
    assert.equal(claims.appid, t.sim.clientId);
    assert.deepEqual(claims.roles, ['Ti.ReadWrite.All', 'Machine.Read.All', 'Score.Read.All']);
  });

  it('issues a Graph token whose roles are the Graph app roles of the default app', async () => {
    const credential = new ClientSecretCredential(t.sim.tenantId, t.sim.clientId, t.sim.clientSecret, {
      authorityHost: t.sim.url,
      disableInstanceDiscovery: true,
    });
    const token = await credential.getToken(`${AUDIENCE.graph}/.default`);
    const claims = jwt.decode(token.token) as Record<string, unknown>;
    assert.equal(claims.aud, AUDIENCE.graph);
    assert.deepEqual(claims.roles, [
      'SecurityAlert.Read.All',
      'ThreatHunting.Read.All',
      'GroupMember.Read.All',
    ]);
  });

  it('issues a token to ClientCertificateCredential for an app registered with a certificate', async () => {
    const credential = new ClientCertificateCredential(
      t.sim.tenantId,
      certAppId,
      { certificate: `${certPem}\n${certKeyPem}` },
      { authorityHost: t.sim.url, disableInstanceDiscovery: true },
    );
    const token = await credential.getToken(`${AUDIENCE.graph}/.default`);
    const claims = jwt.decode(token.token) as Record<string, unknown>;
    assert.equal(claims.appid, certAppId);
    assert.equal(claims.appidacr, '2');
  });

  it('makes ClientSecretCredential fail with the Entra error for a wrong secret', async () => {
    const credential = new ClientSecretCredential(t.sim.tenantId, t.sim.clientId, 'wrong', {
      authorityHost: t.sim.url,
      disableInstanceDiscovery: true,
    });
    await assert.rejects(credential.getToken(`${AUDIENCE.defender}/.default`), {
      name: 'AuthenticationRequiredError',
      message: /^invalid_client: .*AADSTS7000215: Invalid client secret/,
    });
  });

  it('signs tokens with a key published at the jwks_uri of the OpenID configuration', async () => {
    const config = await t.call('GET', `/${t.sim.tenantId}/v2.0/.well-known/openid-configuration`);
    assert.equal(config.status, 200);
    const body = config.body as Record<string, string>;
    assert.equal(body.issuer, `${t.sim.url}/${t.sim.tenantId}/v2.0`);
    assert.equal(body.token_endpoint, `${t.sim.url}/${t.sim.tenantId}/oauth2/v2.0/token`);
    assert.equal(body.authorization_endpoint, `${t.sim.url}/${t.sim.tenantId}/oauth2/v2.0/authorize`);
    const keys = await t.call('GET', new URL(body.jwks_uri ?? '').pathname);
    const jwk = (keys.body as { keys: (Record<string, string> & { kid: string })[] }).keys[0];
    assert.ok(jwk !== undefined);
    const issued = await tokenRequest(goodForm());
    const accessToken = (issued.body as { access_token: string }).access_token;
    const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
    const verified = jwt.verify(accessToken, key, {
      algorithms: ['RS256'],
      issuer: body.issuer,
    }) as jwt.JwtPayload;
    assert.equal(jwt.decode(accessToken, { complete: true })?.header.kid, jwk.kid);
    assert.equal(verified.aud, AUDIENCE.defender);
  });

  it('answers the token request with Bearer, expires_in 3599 and an access token', async () => {
    const res = await tokenRequest(goodForm());
    assert.equal(res.status, 200);
    const body = res.body as Record<string, unknown>;
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 3599);
    assert.equal(typeof body.access_token, 'string');
  });

  it('answers instance discovery with the simulator host as its own alias', async () => {
    const res = await t.call('GET', '/common/discovery/instance?api-version=1.1');
    assert.equal(res.status, 200);
    const host = new URL(t.sim.url).host;
    assert.deepEqual((res.body as { metadata: { aliases: string[] }[] }).metadata[0]?.aliases, [host]);
  });

  const refusals: readonly [string, Record<string, string | undefined>, number, string, number][] = [
    ['a wrong client secret', { client_secret: 'nope' }, 401, 'invalid_client', 7000215],
    [
      'an unknown client id',
      { client_id: '99999999-9999-9999-9999-999999999999' },
      400,
      'unauthorized_client',
      700016,
    ],
    [
      'a scope without /.default',
      { scope: `${AUDIENCE.defender}/Ti.ReadWrite.All` },
      400,
      'invalid_scope',
      1002012,
    ],
    [
      'a scope of an unknown resource',
      { scope: 'https://unknown.example.com/.default' },
      400,
      'invalid_resource',
      500011,
    ],
    ['another grant type', { grant_type: 'password' }, 400, 'unsupported_grant_type', 70003],
    ['no credential', { client_secret: undefined }, 401, 'invalid_client', 7000218],
    ['no scope', { scope: undefined }, 400, 'invalid_request', 900144],
  ];
  for (const [what, change, status, error, code] of refusals) {
    it(`refuses a token request with ${what} as Entra does (${status} ${error})`, async () => {
      const form: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...goodForm(), ...change })) if (v !== undefined) form[k] = v;
      const res = await tokenRequest(form);
      assert.equal(res.status, status);
      const body = res.body as { error: string; error_description: string; error_codes: number[] };
      assert.equal(body.error, error);
      assert.deepEqual(body.error_codes, [code]);
      assert.match(body.error_description, new RegExp(`^AADSTS${code}: `));
    });
  }

  it('refuses a token request for another tenant', async () => {
    const res = await t.call('POST', '/33333333-3333-3333-3333-333333333333/oauth2/v2.0/token', {
      form: goodForm(),
    });
    assert.equal(res.status, 400);
    assert.equal((res.body as { error: string }).error, 'invalid_tenant');
  });
});
