import assert from 'node:assert/strict';
import { DEVICE_IDS } from '../../simulator/devices/deviceFixture';
import { createDevicesPart, registerDevices } from '../../simulator/devices';
import { eventStoreFor } from '../../simulator/graph/eventStore';
import { GENERIC_BLOCK_TITLE } from '../../simulator/graph/alertFactory';
import { InMemoryRoutes, ListIndicators, indicator, makeDeps } from '../graph/simGraphSupport';

function setup(mobileAlerts = false) {
  const routes = new InMemoryRoutes();
  const view = new ListIndicators();
  const { deps } = makeDeps(view);
  deps.switches.mobileAlerts = mobileAlerts;
  const part = registerDevices(routes, deps);
  const visit = async (deviceId: string, url: string) => {
    const res = await routes.call('POST', `/_sim/devices/${deviceId}/visit`, { url });
    assert.equal(res.status, 200);
    return res.body as { decision: string; indicatorId?: string; alertId?: string; huntingEventId?: string };
  };
  return { routes, view, deps, part, visit, store: eventStoreFor(deps) };
}

describe('simulated device visits', () => {
  it('registers its routes without a token audience, as sim.control', () => {
    const { routes } = setup();
    assert.deepEqual(
      routes.routes.map((r) => [r.method, r.pattern, r.options.endpoint, r.options.audience]),
      [
        ['GET', '/_sim/devices', 'sim.control', undefined],
        ['POST', '/_sim/devices/:deviceId/visit', 'sim.control', undefined],
      ],
    );
  });

  it('lists the five fixture devices', async () => {
    const { routes } = setup();
    const res = await routes.call('GET', '/_sim/devices');
    const body = res.body as { value: { deviceId: string }[] };
    assert.deepEqual(body.value.map((d) => d.deviceId).sort(), Object.values(DEVICE_IDS).sort());
  });

  it('a Windows visit to a blocked domain raises a customTi alert and a hunting event', async () => {
    const { view, visit, store } = setup();
    const block = indicator({ indicatorType: 'DomainName', indicatorValue: 'evil.example' });
    view.items = [block];
    const outcome = await visit(DEVICE_IDS.windows, 'https://www.evil.example/login');
    assert.equal(outcome.decision, 'blocked');
    assert.equal(outcome.indicatorId, block.id);
    const alert = store.listAlerts()[0];
    assert.equal(alert?.id, outcome.alertId);
    assert.equal(alert?.detectionSource, 'customTi');
    assert.equal(alert?.title, GENERIC_BLOCK_TITLE);
    assert.equal(alert?.severity, 'informational');
    const row = store.listRows('DeviceEvents')[0];
    assert.equal(String(row?.ReportId), outcome.huntingEventId);
    assert.equal(row?.ActionType, 'ExploitGuardNetworkProtectionBlocked');
  });

  it('an Audit hit raises an alert with the indicator title and severity', async () => {
    const { view, visit, store } = setup();
    view.items = [
      indicator({
        indicatorType: 'Url',
        indicatorValue: 'https://watch.example/a',
        action: 'Audit',
        severity: 'High',
        title: 'Watch A',
      }),
    ];
    const outcome = await visit(DEVICE_IDS.macos, 'https://watch.example/a/b');
    assert.equal(outcome.decision, 'audited');
    const alert = store.listAlerts()[0];
    assert.deepEqual([alert?.title, alert?.severity], ['Watch A', 'high']);
  });

  it('a mobile hit records a hunting event but no alert while mobile alerts are off', async () => {
    const { view, visit, store } = setup(false);
    view.items = [indicator({ indicatorType: 'DomainName', indicatorValue: 'evil.example' })];
    const outcome = await visit(DEVICE_IDS.android, 'https://evil.example/');
    assert.equal(outcome.decision, 'blocked');
    assert.equal(outcome.alertId, undefined);
    assert.notEqual(outcome.huntingEventId, undefined);
    assert.equal(store.listAlerts().length, 0);
  });

  it('a mobile hit raises an alert with an iOS deviceEvidence when mobile alerts are on', async () => {
    const { view, visit, store } = setup(true);
    view.items = [indicator({ indicatorType: 'DomainName', indicatorValue: 'evil.example' })];
    const outcome = await visit(DEVICE_IDS.iosSupervised, 'https://evil.example/');
    assert.notEqual(outcome.alertId, undefined);
    const evidence = store.listAlerts()[0]?.evidence as {
      '@odata.type': string;
      osPlatform?: string;
      url?: string;
    }[];
    assert.deepEqual(
      evidence.map((e) => [e['@odata.type'], e.osPlatform ?? e.url]),
      [
        ['#microsoft.graph.security.deviceEvidence', 'iOS'],
        ['#microsoft.graph.security.urlEvidence', 'https://evil.example/'],
      ],
    );
  });

  it('a Block indicator without generateAlert raises no alert', async () => {
    const { view, visit } = setup();
    view.items = [
      indicator({ indicatorType: 'DomainName', indicatorValue: 'quiet.example', generateAlert: false }),
    ];
    const outcome = await visit(DEVICE_IDS.windows, 'https://quiet.example/');
    assert.deepEqual([outcome.decision, outcome.alertId], ['blocked', undefined]);
  });

  it('an allowed visit records only a network connection', async () => {
    const { visit, store } = setup();
    const outcome = await visit(DEVICE_IDS.windows, 'https://fine.example/');
    assert.deepEqual(outcome, { decision: 'allowed' });
    assert.equal(store.listRows('DeviceNetworkEvents')[0]?.ActionType, 'ConnectionSuccess');
    assert.equal(store.listRows('DeviceEvents').length, 0);
  });

  it('an IP indicator hit on Android is not enforced and records no event', async () => {
    const { view, visit, store } = setup(true);
    const ip = indicator({ indicatorType: 'IpAddress', indicatorValue: '203.0.113.9' });
    view.items = [ip];
    const outcome = await visit(DEVICE_IDS.android, 'http://203.0.113.9/');
    assert.deepEqual(outcome, { decision: 'notEnforced', indicatorId: ip.id });
    assert.equal(store.listRows('DeviceEvents').length, 0);
  });

  it('the older behaviour enforces IP indicators on Android', async () => {
    const routes = new InMemoryRoutes();
    const view = new ListIndicators();
    view.items = [indicator({ indicatorType: 'IpAddress', indicatorValue: '203.0.113.9' })];
    createDevicesPart({ mobileIpIndicators: true })(routes, makeDeps(view).deps);
    const res = await routes.call('POST', `/_sim/devices/${DEVICE_IDS.android}/visit`, {
      url: 'http://203.0.113.9/',
    });
    assert.equal((res.body as { decision: string }).decision, 'blocked');
  });

  it('answers 404 for an unknown device', async () => {
    const { routes } = setup();
    const res = await routes.call('POST', '/_sim/devices/nope/visit', { url: 'https://a.example/' });
    assert.equal(res.status, 404);
  });

  const badBodies: readonly [string, unknown][] = [
    ['no url', {}],
    ['a non-string url', { url: 42 }],
    ['a non-http url', { url: 'ftp://a.example/' }],
    ['an unknown browser', { url: 'https://a.example/', browser: 'lynx' }],
  ];
  for (const [name, body] of badBodies) {
    it(`answers 400 for ${name}`, async () => {
      const { routes } = setup();
      const res = await routes.call('POST', `/_sim/devices/${DEVICE_IDS.windows}/visit`, body);
      assert.equal(res.status, 400);
    });
  }

  it('reset forgets alerts and events', async () => {
    const { view, visit, part, store } = setup();
    view.items = [indicator({ indicatorType: 'DomainName', indicatorValue: 'evil.example' })];
    await visit(DEVICE_IDS.windows, 'https://evil.example/');
    part.reset();
    assert.deepEqual([store.listAlerts().length, store.listRows('DeviceEvents').length], [0, 0]);
  });
});
