import assert from 'node:assert/strict';
import { AUDIENCE } from '../../simulator/contracts';
import { registerDevices } from '../../simulator/devices';
import { DEVICE_IDS } from '../../simulator/devices/deviceFixture';
import { createGraphPart, GRAPH_ROLES } from '../../simulator/graph';
import { InMemoryRoutes, ListIndicators, indicator, makeDeps } from '../graph/simGraphSupport';

const ALEX = '00000000-0000-0000-0000-0000000000020';
const MEGAN = '00000000-0000-0000-0000-0000000000021';
const ADELE = '00000000-0000-0000-0000-0000000000022';
const APPROVERS = '00000000-0000-0000-0000-0000000000040';
const ANALYSTS = '00000000-0000-0000-0000-0000000000041';

async function setup(alertCount = 0) {
  const routes = new InMemoryRoutes();
  const view = new ListIndicators();
  view.items = [indicator({ indicatorType: 'DomainName', indicatorValue: 'evil.example' })];
  const { deps, clock } = makeDeps(view);
  const graph = createGraphPart({ paging: { defaultPageSize: 2, maxPageSize: 3 } })(routes, deps);
  registerDevices(routes, deps);
  for (let i = 0; i < alertCount; i += 1) {
    clock.now = new Date(Date.parse('2026-12-01T10:00:00Z') + i * 60_000);
    await routes.call('POST', `/_sim/devices/${DEVICE_IDS.windows}/visit`, { url: 'https://evil.example/' });
  }
  return { routes, graph, clock };
}

interface AlertPage {
  value: { id: string; lastUpdateDateTime: string }[];
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
}

async function page(routes: InMemoryRoutes, path: string): Promise<AlertPage> {
  const res = await routes.call('GET', path);
  assert.equal(res.status, 200);
  return res.body as AlertPage;
}

describe('simulated Graph routes', () => {
  it('demand a Graph token with the documented roles', async () => {
    const { routes } = await setup();
    const graphRoutes = routes.routes.filter((r) => r.pattern.startsWith('/v1.0/'));
    assert.ok(graphRoutes.every((r) => r.options.audience === AUDIENCE.graph));
    const alerts = graphRoutes.find((r) => r.pattern === '/v1.0/security/alerts_v2');
    assert.deepEqual(alerts?.options.anyRole, GRAPH_ROLES.alerts);
  });

  describe('alerts_v2', () => {
    it('follows nextLink across every page without repeats', async () => {
      const { routes } = await setup(5);
      const seen: string[] = [];
      let body = await page(routes, '/v1.0/security/alerts_v2');
      seen.push(...body.value.map((a) => a.id));
      while (body['@odata.nextLink'] !== undefined) {
        const next = new URL(body['@odata.nextLink']);
        assert.equal(next.origin, 'https://sim.test');
        body = await page(routes, `${next.pathname}${next.search}`);
        seen.push(...body.value.map((a) => a.id));
      }
      assert.equal(new Set(seen).size, 5);
    });

    it('caps $top at the page limit', async () => {
      const { routes } = await setup(5);
      const body = await page(routes, '/v1.0/security/alerts_v2?$top=50');
      assert.equal(body.value.length, 3);
    });

    it('filters on lastUpdateDateTime ge', async () => {
      const { routes } = await setup(4);
      const body = await page(
        routes,
        `/v1.0/security/alerts_v2?$filter=${encodeURIComponent('lastUpdateDateTime ge 2026-12-01T10:02:00Z')}&$count=true`,
      );
      assert.equal(body['@odata.count'], 2);
      assert.deepEqual(
        body.value.map((a) => a.lastUpdateDateTime),
        ['2026-12-01T10:02:00.000Z', '2026-12-01T10:03:00.000Z'],
      );
    });

    it('filters on status eq', async () => {
      const { routes } = await setup(2);
      const body = await page(
        routes,
        `/v1.0/security/alerts_v2?$filter=${encodeURIComponent("status eq 'resolved'")}`,
      );
      assert.equal(body.value.length, 0);
    });

    it('keeps alerts raised while a client pages', async () => {
      const { routes, clock } = await setup(3);
      const first = await page(routes, '/v1.0/security/alerts_v2');
      clock.now = new Date('2026-12-01T11:00:00Z');
      await routes.call('POST', `/_sim/devices/${DEVICE_IDS.windows}/visit`, {
        url: 'https://evil.example/',
      });
      const next = new URL(first['@odata.nextLink'] ?? 'https://sim.test/none');
      const second = await page(routes, `${next.pathname}${next.search}`);
      assert.equal(first.value.length + second.value.length, 4);
    });

    const badQueries: readonly [string, string][] = [
      ['a filter on detectionSource, which Graph does not support', "detectionSource eq 'customTi'"],
      ['a malformed date', 'lastUpdateDateTime ge yesterday'],
      ['an unknown operator', "status like 'new'"],
    ];
    for (const [name, filter] of badQueries) {
      it(`answers 400 BadRequest in Graph's error shape for ${name}`, async () => {
        const { routes } = await setup();
        const res = await routes.call(
          'GET',
          `/v1.0/security/alerts_v2?$filter=${encodeURIComponent(filter)}`,
        );
        assert.equal(res.status, 400);
        const error = (res.body as { error: { code: string; innerError: Record<string, string> } }).error;
        assert.equal(error.code, 'BadRequest');
        assert.equal(typeof error.innerError['request-id'], 'string');
        assert.match(error.innerError.date ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      });
    }

    it('answers 400 for a forged $skiptoken', async () => {
      const { routes } = await setup();
      const res = await routes.call('GET', '/v1.0/security/alerts_v2?$skiptoken=garbage');
      assert.equal(res.status, 400);
    });
  });

  describe('runHuntingQuery', () => {
    it('answers schema and results from the device events', async () => {
      const { routes } = await setup(2);
      const res = await routes.call('POST', '/v1.0/security/runHuntingQuery', {
        Query:
          'DeviceEvents | where ActionType == "ExploitGuardNetworkProtectionBlocked" | project Timestamp, DeviceName, RemoteUrl',
      });
      assert.equal(res.status, 200);
      const body = res.body as { schema: unknown[]; results: unknown[] };
      assert.deepEqual(body.schema, [
        { name: 'Timestamp', type: 'DateTime' },
        { name: 'DeviceName', type: 'String' },
        { name: 'RemoteUrl', type: 'String' },
      ]);
      assert.equal(body.results.length, 2);
    });

    it('hides events outside the Timespan', async () => {
      const { routes, clock } = await setup(1);
      clock.now = new Date('2026-12-03T10:00:00Z');
      const res = await routes.call('POST', '/v1.0/security/runHuntingQuery', {
        Query: 'DeviceEvents',
        Timespan: 'P1D',
      });
      assert.equal((res.body as { results: unknown[] }).results.length, 0);
    });

    it('answers DeviceInfo from the device fixture', async () => {
      const { routes } = await setup();
      const res = await routes.call('POST', '/v1.0/security/runHuntingQuery', {
        Query: 'DeviceInfo | where OSPlatform in ("iOS", "Android") | project DeviceId',
      });
      const ids = (res.body as { results: { DeviceId: string }[] }).results.map((r) => r.DeviceId).sort();
      assert.deepEqual(
        ids,
        [DEVICE_IDS.iosSupervised, DEVICE_IDS.iosUnsupervised, DEVICE_IDS.android].sort(),
      );
    });

    const bad: readonly [string, unknown][] = [
      ['a missing Query', {}],
      ['an unknown table', { Query: 'Nope | take 1' }],
      ['a malformed Timespan', { Query: 'DeviceEvents', Timespan: 'soon' }],
    ];
    for (const [name, body] of bad) {
      it(`answers 400 BadRequest for ${name}`, async () => {
        const { routes } = await setup();
        const res = await routes.call('POST', '/v1.0/security/runHuntingQuery', body);
        assert.equal(res.status, 400);
        assert.equal((res.body as { error: { code: string } }).error.code, 'BadRequest');
      });
    }
  });

  describe('group membership', () => {
    const cases: readonly { name: string; user: string; groups: string[]; expected: string[] }[] = [
      { name: 'Alex is an approver', user: ALEX, groups: [APPROVERS], expected: [APPROVERS] },
      { name: 'Adele is not an approver', user: ADELE, groups: [APPROVERS], expected: [] },
      {
        name: 'Megan is an analyst through a nested group',
        user: MEGAN,
        groups: [ANALYSTS],
        expected: [ANALYSTS],
      },
      {
        name: 'a user principal name works as the id',
        user: 'alexw@example.com',
        groups: [APPROVERS, ANALYSTS],
        expected: [APPROVERS, ANALYSTS],
      },
    ];
    for (const c of cases) {
      it(`checkMemberGroups: ${c.name}`, async () => {
        const { routes } = await setup();
        const res = await routes.call('POST', `/v1.0/users/${encodeURIComponent(c.user)}/checkMemberGroups`, {
          groupIds: c.groups,
        });
        assert.deepEqual((res.body as { value: string[] }).value, c.expected);
      });
    }

    it('directoryObjects/checkMemberGroups answers the same', async () => {
      const { routes } = await setup();
      const res = await routes.call('POST', `/v1.0/directoryObjects/${ALEX}/checkMemberGroups`, {
        groupIds: [APPROVERS],
      });
      assert.deepEqual((res.body as { value: string[] }).value, [APPROVERS]);
    });

    it('answers 404 Request_ResourceNotFound for an unknown user', async () => {
      const { routes } = await setup();
      const res = await routes.call(
        'POST',
        '/v1.0/users/ffffffff-0000-0000-0000-000000000000/checkMemberGroups',
        {
          groupIds: [APPROVERS],
        },
      );
      assert.equal(res.status, 404);
      assert.equal((res.body as { error: { code: string } }).error.code, 'Request_ResourceNotFound');
    });

    it('answers 400 for more than 20 group ids', async () => {
      const { routes } = await setup();
      const res = await routes.call('POST', `/v1.0/users/${ALEX}/checkMemberGroups`, {
        groupIds: Array.from({ length: 21 }, () => APPROVERS),
      });
      assert.equal(res.status, 400);
    });

    it('lists the members of the approvers group', async () => {
      const { routes } = await setup();
      const res = await routes.call('GET', `/v1.0/groups/${APPROVERS}/members`);
      const names = (res.body as { value: { displayName: string }[] }).value.map((m) => m.displayName);
      assert.deepEqual(names, ['Alex Wilber', 'Megan Bowen']);
    });
  });

  it('reset clears the alerts', async () => {
    const { routes, graph } = await setup(2);
    graph.reset();
    const body = await page(routes, '/v1.0/security/alerts_v2');
    assert.equal(body.value.length, 0);
  });
});
