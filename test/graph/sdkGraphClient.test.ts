/**
 * SdkGraphClient against the simulator over real HTTPS. Run mocha with
 * `NODE_EXTRA_CA_CERTS=<repo>/.data/test-ca/ca.pem` (created by `node <build>/simulator/ensureCaCli.js .data/test-ca`).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { SdkGraphClient, graphScopeFor, type GraphAlert } from '../../bot/graph/graphClient';
import type { Logger } from '../../bot/http/logger';
import { repoRoot } from '../../bot/paths';
import { AUDIENCE, startSimulator, type RunningSimulator } from '../../simulator';
import { DEVICE_IDS } from '../../simulator/devices/deviceFixture';

const ALEX = '00000000-0000-0000-0000-0000000000020';
const ADELE = '00000000-0000-0000-0000-0000000000022';
const APPROVERS = '00000000-0000-0000-0000-0000000000040';

/** `<repo>/.data/test-ca`, from the compiled test's place in `<repo>/.data/build-*\/test/graph`. */
const CA_DIR = path.join(repoRoot(), '.data', 'test-ca');

interface LogLine {
  readonly level: string;
  readonly obj: Readonly<Record<string, unknown>>;
  readonly msg: string;
}

function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (obj: Readonly<Record<string, unknown>>, msg: string): void => {
      lines.push({ level, obj, msg });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('SdkGraphClient against the simulator', function () {
  let sim: RunningSimulator;
  let logLines: LogLine[];

  function client(clientId = sim.clientId, secret = sim.clientSecret): SdkGraphClient {
    const credential = new ClientSecretCredential(sim.tenantId, clientId, secret, {
      authorityHost: sim.url,
      disableInstanceDiscovery: true,
    });
    return new SdkGraphClient(credential, { baseUrl: sim.url, logger: recordingLogger(logLines) });
  }

  async function control(pathname: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${sim.url}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, `${pathname} answered ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  }

  async function submitIndicator(body: Record<string, unknown>): Promise<string> {
    const token = sim.issueToken(sim.clientId, AUDIENCE.defender);
    const res = await fetch(`${sim.url}/api/indicators`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'test', description: 'test', generateAlert: true, ...body }),
    });
    assert.equal(res.status, 200, `submit answered ${res.status}: ${await res.clone().text()}`);
    return String(((await res.json()) as { id: unknown }).id);
  }

  async function collect(alerts: AsyncIterable<GraphAlert>): Promise<GraphAlert[]> {
    const out: GraphAlert[] = [];
    for await (const alert of alerts) out.push(alert);
    return out;
  }

  before(async () => {
    sim = await startSimulator({ port: 0, caDir: CA_DIR, rateLimits: false });
  });
  beforeEach(() => {
    sim.reset();
    logLines = [];
  });
  after(async () => {
    await sim.close();
  });

  it('uses the Graph audience as the token scope for a non-Microsoft host', () => {
    assert.deepEqual(
      [graphScopeFor(sim.url), graphScopeFor('https://graph.microsoft.us')],
      ['https://graph.microsoft.com/.default', 'https://graph.microsoft.us/.default'],
    );
  });

  it('lists alerts across three pages by following nextLink', async () => {
    await submitIndicator({ indicatorValue: 'evil.example', indicatorType: 'DomainName', action: 'Block' });
    for (let i = 0; i < 5; i += 1) {
      await control(`/_sim/devices/${DEVICE_IDS.windows}/visit`, { url: `https://evil.example/${i}` });
    }
    const alerts = await collect(client().listAlerts({ since: new Date(Date.now() - 60_000), top: 2 }));
    assert.equal(new Set(alerts.map((a) => a.id)).size, 5);
    assert.equal(sim.log.count({ endpoint: 'graph.alerts', status: 200 }), 3);
  });

  it('lists no alerts when every alert was updated before since', async () => {
    await submitIndicator({ indicatorValue: 'evil.example', indicatorType: 'DomainName', action: 'Block' });
    await control(`/_sim/devices/${DEVICE_IDS.windows}/visit`, { url: 'https://evil.example/' });
    const alerts = await collect(client().listAlerts({ since: new Date(Date.now() + 60_000) }));
    assert.deepEqual(alerts, []);
  });

  it('a mobile visit produces a hunting event but no alert while mobile alerts are off', async () => {
    await submitIndicator({ indicatorValue: 'evil.example', indicatorType: 'DomainName', action: 'Block' });
    const outcome = await control(`/_sim/devices/${DEVICE_IDS.android}/visit`, {
      url: 'https://m.evil.example/',
    });
    assert.equal(outcome.alertId, undefined);
    const result = await client().runHuntingQuery(
      'DeviceEvents | where ActionType startswith "ExploitGuardNetworkProtection" ' +
        '| extend ResponseCategory = tostring(parse_json(AdditionalFields).ResponseCategory) ' +
        '| where ResponseCategory == "CustomBlockList" ' +
        '| join kind=inner (DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | where OSPlatform in ("iOS", "Android")) on DeviceId ' +
        '| project Timestamp, DeviceId, DeviceName, OSPlatform, RemoteUrl, ActionType, ReportId',
      'PT1H',
    );
    assert.deepEqual(
      result.schema.map((c) => c.name),
      ['Timestamp', 'DeviceId', 'DeviceName', 'OSPlatform', 'RemoteUrl', 'ActionType', 'ReportId'],
    );
    assert.deepEqual(
      result.results.map((r) => [r.DeviceId, r.OSPlatform, r.RemoteUrl, String(r.ReportId)]),
      [[DEVICE_IDS.android, 'Android', 'https://m.evil.example/', outcome.huntingEventId]],
    );
    assert.deepEqual(await collect(client().listAlerts({ since: new Date(Date.now() - 60_000) })), []);
  });

  it('a mobile visit produces an alert listAlerts returns when mobile alerts are on', async () => {
    sim.switches.mobileAlerts = true;
    await submitIndicator({ indicatorValue: 'evil.example', indicatorType: 'DomainName', action: 'Block' });
    const outcome = await control(`/_sim/devices/${DEVICE_IDS.iosSupervised}/visit`, {
      url: 'https://evil.example/x',
    });
    const alerts = await collect(client().listAlerts({ since: new Date(Date.now() - 60_000) }));
    assert.deepEqual(
      alerts.map((a) => [a.id, a.detectionSource, a.evidence.find((e) => e.osPlatform)?.osPlatform]),
      [[outcome.alertId, 'customTi', 'iOS']],
    );
  });

  it('checkMemberGroups says an approver is in the approvers group', async () => {
    assert.deepEqual(await client().checkMemberGroups(ALEX, [APPROVERS]), [APPROVERS]);
  });

  it('checkMemberGroups says a non-approver is not in the approvers group', async () => {
    assert.deepEqual(await client().checkMemberGroups(ADELE, [APPROVERS]), []);
  });

  it('checkMemberGroups refuses more than 20 groups before calling Graph', async () => {
    await assert.rejects(
      client().checkMemberGroups(
        ALEX,
        Array.from({ length: 21 }, () => APPROVERS),
      ),
      { name: 'ValidationError', code: 'validation' },
    );
    assert.equal(sim.log.count({ endpoint: 'graph.directory' }), 0);
  });

  it("maps an unknown user to an UpstreamError with Graph's code", async () => {
    await assert.rejects(client().checkMemberGroups('ffffffff-0000-0000-0000-000000000000', [APPROVERS]), {
      name: 'UpstreamError',
      code: 'upstream',
      status: 404,
      upstreamCode: 'Request_ResourceNotFound',
    });
  });

  it('maps a rejected hunting query to an UpstreamError with code BadRequest', async () => {
    await assert.rejects(client().runHuntingQuery('NoSuchTable | take 1'), {
      name: 'UpstreamError',
      status: 400,
      upstreamCode: 'BadRequest',
    });
  });

  it('maps a token without the Graph role to a 403 UpstreamError', async () => {
    sim.putApp({
      clientId: '22222222-2222-2222-2222-222222222222',
      clientSecret: 'limited-secret',
      displayName: 'limited',
      roles: { [AUDIENCE.graph]: ['GroupMember.Read.All'] },
    });
    await assert.rejects(
      collect(
        client('22222222-2222-2222-2222-222222222222', 'limited-secret').listAlerts({ since: new Date() }),
      ),
      { name: 'UpstreamError', status: 403 },
    );
  });

  it('maps a wrong client secret to an UpstreamError and never logs the secret', async () => {
    await assert.rejects(client(sim.clientId, 'wrong-secret-value').checkMemberGroups(ALEX, [APPROVERS]), {
      name: 'UpstreamError',
    });
    const logged = JSON.stringify(logLines);
    assert.ok(logLines.length > 0);
    assert.ok(!logged.includes('wrong-secret-value'));
    assert.ok(!logged.includes(sim.clientSecret));
  });

  it('never logs the access token', async () => {
    await client().runHuntingQuery('DeviceInfo | take 1');
    const token = sim.issueToken(sim.clientId, AUDIENCE.graph);
    const logged = JSON.stringify(logLines);
    assert.ok(logLines.length > 0);
    assert.ok(!logged.includes('eyJ'));
    assert.ok(!logged.includes(token.slice(0, 20)));
  });
});
