import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'mocha';
import { LOCAL_TENANT_ID, LOCAL_USER_ID, loadConfig } from '../../bot/config';
import { ConfigError } from '../../bot/errors';

const PRODUCTION = {
  MicrosoftAppId: 'b0b0b0b0-0000-0000-0000-000000000001',
  MicrosoftAppPassword: 'bot-password-value',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: 'tenant-1',
  AZURE_TENANT_ID: 'tenant-1',
  AZURE_CLIENT_ID: 'client-1',
  AZURE_CLIENT_SECRET: 'client-secret-value',
  STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=secret-key-value',
  APPROVER_GROUP_ID: 'group-1',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems.map((p) => p.variable);
  }
  assert.fail('expected a ConfigError');
}

describe('config', () => {
  it('starts in local mode with no configuration at all', () => {
    const c = loadConfig({});
    assert.equal(c.mode, 'local');
    assert.equal(c.port, 3978);
    assert.deepEqual(c.embedded, { simulator: true, azurite: true, playground: true });
    assert.deepEqual(c.allowedTenantIds, [LOCAL_TENANT_ID]);
    assert.deepEqual(c.approval.approverUserIds, [LOCAL_USER_ID]);
    assert.equal(c.approval.allowSelfApproval, true);
    assert.equal(c.approval.mode, 'required');
    assert.equal(c.hits.pollSeconds, 5);
  });

  it('chooses production mode when a MicrosoftAppId is set', () => {
    assert.equal(loadConfig(PRODUCTION).mode, 'production');
  });

  it('returns a frozen configuration', () => {
    const c = loadConfig({});
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.approval));
    assert.ok(Object.isFrozen(c.approval.approverUserIds));
  });

  it('names every bad variable at once', async () => {
    await assert.rejects(
      () =>
        Promise.resolve().then(() =>
          loadConfig({ PORT: 'abc', HIT_POLL_SECONDS: '-1', APPROVAL_MODE: 'maybe', PLAYGROUND: 'yes' }),
        ),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.name, 'ConfigError');
        assert.equal(e.code, 'config');
        assert.deepEqual(e.problems.map((p) => p.variable).sort(), [
          'APPROVAL_MODE',
          'HIT_POLL_SECONDS',
          'PLAYGROUND',
          'PORT',
        ]);
        assert.match(e.message, /PORT: must be a whole number from 1 to 65535/);
        return true;
      },
    );
  });

  it('names a malformed variable and the missing production settings together', () => {
    const problems = problemsOf({ PORT: 'abc', BOT_MODE: 'production' });
    assert.ok(problems.includes('PORT'));
    assert.ok(problems.includes('MicrosoftAppId'));
    assert.ok(problems.includes('STORAGE_CONNECTION_STRING'));
  });

  it('reports a malformed variable once, not also as missing', () => {
    assert.deepEqual(problemsOf({ ...PRODUCTION, AZURE_AUTHORITY_HOST: 'http://login.example' }), [
      'AZURE_AUTHORITY_HOST',
    ]);
  });

  it('refuses production mode without a bot identity', () => {
    assert.deepEqual(problemsOf({ ...PRODUCTION, BOT_MODE: 'production', MicrosoftAppId: '' }), [
      'MicrosoftAppId',
    ]);
  });

  it('refuses APPROVAL_MODE=none in production mode', () => {
    assert.deepEqual(problemsOf({ ...PRODUCTION, APPROVAL_MODE: 'none' }), ['APPROVAL_MODE']);
  });

  it('refuses production mode without approvers or storage', () => {
    const { APPROVER_GROUP_ID: _a, STORAGE_CONNECTION_STRING: _s, ...rest } = PRODUCTION;
    assert.deepEqual(problemsOf(rest).sort(), ['APPROVER_GROUP_ID', 'STORAGE_CONNECTION_STRING']);
  });

  it('requires the app identity for Defender when the simulator is not embedded', () => {
    const { AZURE_CLIENT_SECRET: _s, AZURE_CLIENT_ID: _c, ...rest } = PRODUCTION;
    assert.deepEqual(problemsOf(rest).sort(), ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']);
  });

  it('accepts managed identity instead of a client secret', () => {
    const { AZURE_CLIENT_SECRET: _s, ...rest } = PRODUCTION;
    assert.equal(loadConfig({ ...rest, AZURE_USE_MANAGED_IDENTITY: 'true' }).azure.useManagedIdentity, true);
  });

  it('uses Microsoft endpoints by default in production mode', () => {
    const c = loadConfig(PRODUCTION);
    assert.equal(c.defender.apiUrl, 'https://api.security.microsoft.com');
    assert.equal(c.graph.apiUrl, 'https://graph.microsoft.com');
    assert.equal(c.azure.authorityHost, 'https://login.microsoftonline.com');
    assert.equal(c.defender.tokenScope, 'https://api.securitycenter.microsoft.com/.default');
    assert.deepEqual(c.allowedTenantIds, ['tenant-1']);
    assert.deepEqual(c.embedded, { simulator: false, azurite: false, playground: false });
  });

  it('does not embed the simulator in local mode when the services are configured', () => {
    const c = loadConfig({
      DEFENDER_API_URL: 'https://127.0.0.1:4000',
      GRAPH_API_URL: 'https://127.0.0.1:4000',
      AZURE_AUTHORITY_HOST: 'https://127.0.0.1:4000',
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      AZURE_CLIENT_SECRET: 's',
    });
    assert.equal(c.mode, 'local');
    assert.equal(c.embedded.simulator, false);
    assert.equal(c.defender.apiUrl, 'https://127.0.0.1:4000');
  });

  it('asks for the other service URLs when only one is configured in local mode', () => {
    const problems = problemsOf({ DEFENDER_API_URL: 'https://127.0.0.1:4000' });
    assert.ok(problems.includes('AZURE_AUTHORITY_HOST'));
    assert.ok(problems.includes('GRAPH_API_URL'));
    assert.ok(!problems.includes('DEFENDER_API_URL'));
  });

  it('does not start Azurite when a storage connection string is set', () => {
    assert.equal(
      loadConfig({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).embedded.azurite,
      false,
    );
  });

  it('refuses an http authority host, which @azure/identity would refuse too', () => {
    assert.ok(problemsOf({ AZURE_AUTHORITY_HOST: 'http://127.0.0.1:4000' }).includes('AZURE_AUTHORITY_HOST'));
  });

  it('refuses a default expiry longer than the maximum', () => {
    assert.deepEqual(problemsOf({ DEFAULT_EXPIRY_DAYS: '400', MAX_EXPIRY_DAYS: '365' }), [
      'DEFAULT_EXPIRY_DAYS',
    ]);
  });

  it('parses comma-separated lists and drops blanks', () => {
    const c = loadConfig({
      PROTECTED_DOMAINS: 'contoso.com, fabrikam.com,,',
      DEFAULT_DEVICE_GROUPS: 'Mobile , Android',
    });
    assert.deepEqual(c.indicators.protectedDomains, ['contoso.com', 'fabrikam.com']);
    assert.deepEqual(c.indicators.defaultDeviceGroups, ['Mobile', 'Android']);
  });

  it('switches hit sources on and off and takes a hunting query', () => {
    const c = loadConfig({ HIT_SOURCE_ALERTS: 'off', HIT_HUNTING_QUERY: 'DeviceEvents | take 1' });
    assert.deepEqual(c.hits.sources, { alerts: false, hunting: true });
    assert.equal(c.hits.huntingQuery, 'DeviceEvents | take 1');
    assert.equal(c.hits.aggregationWindowSeconds, 600);
  });

  it('names a hit source switch that is neither on nor off', () => {
    assert.deepEqual(problemsOf({ HIT_SOURCE_HUNTING: 'yes' }), ['HIT_SOURCE_HUNTING']);
  });

  it('never shows a secret when the configuration is printed', () => {
    const c = loadConfig(PRODUCTION);
    const printed = `${inspect(c, { depth: 10 })}${JSON.stringify(c)}${String(c.bot.MicrosoftAppPassword)}`;
    for (const secret of ['bot-password-value', 'client-secret-value', 'secret-key-value']) {
      assert.ok(!printed.includes(secret), `${secret} was printed`);
    }
    assert.equal(c.azure.clientSecret?.reveal(), 'client-secret-value');
  });
});
