import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { generateKeyPairSync } from 'node:crypto';
import { AUDIENCE } from '../../simulator/index';
import { startTestSim, type TestSim } from './simHarness';

interface DefenderErrorBody {
  error: { code: string; message: string; target: string };
}

describe('simulator token checks on API routes', () => {
  let t: TestSim;
  const readOnlyApp = '44444444-4444-4444-4444-444444444444';
  before(async () => {
    t = await startTestSim({
      apps: [
        {
          clientId: readOnlyApp,
          clientSecret: 's',
          displayName: 'reader',
          roles: { [AUDIENCE.defender]: ['Machine.Read.All'] },
        },
      ],
    });
  });
  after(async () => {
    await t.sim.close();
  });
  beforeEach(() => t.sim.reset());

  it('answers 401 with the Defender error body when no token is sent', async () => {
    const res = await t.call('GET', '/api/indicators');
    assert.equal(res.status, 401);
    const body = res.body as DefenderErrorBody;
    assert.equal(body.error.code, 'Unauthorized');
    assert.match(body.error.target, /^[0-9a-f-]{36}$/);
  });

  it('answers 401 for a token signed by another key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = jwt.sign(
      {
        aud: AUDIENCE.defender,
        tid: t.sim.tenantId,
        appid: t.sim.clientId,
        roles: ['Ti.ReadWrite.All'],
        iss: `${t.sim.url}/${t.sim.tenantId}/v2.0`,
      },
      privateKey,
      { algorithm: 'RS256', expiresIn: 3600 },
    );
    const res = await t.call('GET', '/api/indicators', { token: forged });
    assert.equal(res.status, 401);
  });

  it('answers 401 once the token has expired on the simulator clock', async () => {
    const token = t.defenderToken();
    t.clock.advance(3600 * 1000);
    const res = await t.call('GET', '/api/indicators', { token });
    assert.equal(res.status, 401);
    assert.match((res.body as DefenderErrorBody).error.message, /expired/);
  });

  it('accepts the same token before it expires', async () => {
    const res = await t.call('GET', '/api/indicators', { token: t.defenderToken() });
    assert.equal(res.status, 200);
  });

  it('answers 403 for a token issued for Graph', async () => {
    const token = t.sim.issueToken(t.sim.clientId, AUDIENCE.graph);
    const res = await t.call('GET', '/api/indicators', { token });
    assert.equal(res.status, 403);
    assert.equal((res.body as DefenderErrorBody).error.code, 'Forbidden');
  });

  it('accepts a token for the legacy resource https://api.securitycenter.windows.com', async () => {
    const token = t.sim.issueToken(t.sim.clientId, 'https://api.securitycenter.windows.com');
    const res = await t.call('GET', '/api/indicators', { token });
    assert.equal(res.status, 200);
  });

  it('answers 403 when the token lacks every role the route accepts', async () => {
    const token = t.sim.issueToken(readOnlyApp, AUDIENCE.defender);
    const res = await t.call('POST', '/api/indicators', { token, body: {} });
    assert.equal(res.status, 403);
    assert.match((res.body as DefenderErrorBody).error.message, /Ti\.ReadWrite/);
  });

  it('answers 404 with the Defender error body for an unknown path', async () => {
    const res = await t.call('GET', '/api/nothing-here', { token: t.defenderToken() });
    assert.equal(res.status, 404);
    assert.equal((res.body as DefenderErrorBody).error.code, 'NotFound');
  });

  it('answers 400 InvalidRequestBody for a body that is not JSON', async () => {
    const res = await t.call('POST', '/api/indicators', { token: t.defenderToken(), body: '{not json' });
    assert.equal(res.status, 400);
    assert.equal((res.body as DefenderErrorBody).error.code, 'InvalidRequestBody');
  });
});
