import assert from 'node:assert/strict';
import { AUDIENCE } from '../../simulator/index';
import { indicatorBody, startTestSim, type TestSim } from './simHarness';

interface DefenderErrorBody {
  error: { code: string; message: string; target: string };
}
type Indicator = Record<string, unknown> & { id: string };

describe('simulator Defender indicators: submit, get, delete', () => {
  let t: TestSim;
  let token: string;
  const ownApp = '55555555-5555-5555-5555-555555555555';
  before(async () => {
    t = await startTestSim({
      maxActiveIndicators: 3,
      apps: [
        {
          clientId: ownApp,
          clientSecret: 's',
          displayName: 'own',
          roles: { [AUDIENCE.defender]: ['Ti.ReadWrite'] },
        },
      ],
    });
  });
  after(async () => {
    await t.sim.close();
  });
  beforeEach(() => {
    t.sim.reset();
    token = t.defenderToken();
  });
  const submit = (body: unknown, as = token): ReturnType<TestSim['call']> =>
    t.call('POST', '/api/indicators', { token: as, body });

  it('answers 200 with the created entity, a decimal string id and the undocumented fields', async () => {
    const res = await submit(indicatorBody());
    assert.equal(res.status, 200);
    const body = res.body as Indicator;
    assert.match(body.id, /^\d+$/);
    assert.equal(body.indicatorValue, 'evil.example.com');
    assert.equal(body.sourceType, 'AadApp');
    assert.equal(body.createdBy, t.sim.clientId);
    for (const key of [
      'rbacGroupIds',
      'mitreTechniques',
      'category',
      'educateUrl',
      'bypassDurationHours',
      'createdByDisplayName',
      'externalId',
      'lastUpdatedBy',
    ]) {
      assert.ok(key in body, `missing ${key}`);
    }
    assert.equal(body['@odata.context'], `${t.sim.url}/api/$metadata#Indicators/$entity`);
  });

  it('updates the indicator with the same type, value and action instead of creating another', async () => {
    const first = (await submit(indicatorBody())).body as Indicator;
    const second = (await submit(indicatorBody({ title: 'Updated title', application: 'ignored on update' })))
      .body as Indicator;
    assert.equal(second.id, first.id);
    assert.equal(second.title, 'Updated title');
    assert.equal(second.application, null);
    assert.equal(t.sim.indicators.activeCount(), 1);
  });

  it('creates a separate indicator when the action differs', async () => {
    const first = (await submit(indicatorBody())).body as Indicator;
    const second = (await submit(indicatorBody({ action: 'Warn' }))).body as Indicator;
    assert.notEqual(second.id, first.id);
  });

  it('updates the indicator named by id in the body', async () => {
    const first = (await submit(indicatorBody())).body as Indicator;
    const res = await submit(indicatorBody({ id: first.id, action: 'Warn' }));
    assert.equal((res.body as Indicator).id, first.id);
    assert.equal((res.body as Indicator).action, 'Warn');
  });

  it('maps device group names to their ids', async () => {
    const res = await submit(indicatorBody({ rbacGroupNames: ['android', 'iOS'] }));
    assert.deepEqual((res.body as Indicator).rbacGroupNames, ['Android', 'iOS']);
    assert.deepEqual((res.body as Indicator).rbacGroupIds, ['104', '103']);
  });

  const refusals: readonly [string, Record<string, unknown>, string][] = [
    ['no indicatorValue', { indicatorValue: undefined }, 'MissingRequiredParameter'],
    ['no title', { title: undefined }, 'MissingRequiredParameter'],
    ['no description', { description: '' }, 'MissingRequiredParameter'],
    [
      'a wrongly capitalised required parameter',
      { indicatorType: undefined, IndicatorType: 'DomainName' },
      'MissingRequiredParameter',
    ],
    ['an unknown indicator type', { indicatorType: 'Domain' }, 'InvalidInput'],
    ['an unknown action', { action: 'Deny' }, 'InvalidInput'],
    ['an unknown severity', { severity: 'Critical' }, 'InvalidInput'],
    ['Audit without generateAlert', { action: 'Audit', generateAlert: false }, 'InvalidRequestBody'],
    [
      'BlockAndRemediate on a URL',
      { indicatorType: 'Url', indicatorValue: 'http://evil.example.com/x', action: 'BlockAndRemediate' },
      'InvalidInput',
    ],
    [
      'a SHA-256 of the wrong length',
      { indicatorType: 'FileSha256', indicatorValue: 'abc123' },
      'InvalidHashValue',
    ],
    ['a wildcard domain', { indicatorValue: '*.example.com' }, 'InvalidDomainName'],
    [
      'a private IPv4 address',
      { indicatorType: 'IpAddress', indicatorValue: '10.1.2.3' },
      'InvalidIpAddress',
    ],
    ['a CIDR block', { indicatorType: 'IpAddress', indicatorValue: '8.8.8.0/24' }, 'InvalidIpAddress'],
    [
      'Defender’s internal 245.245.0.1',
      { indicatorType: 'IpAddress', indicatorValue: '245.245.0.1' },
      'InvalidIpAddress',
    ],
    [
      'a shortened IPv6 address',
      { indicatorType: 'IpAddress', indicatorValue: '2001:4860:4860::8888' },
      'InvalidIpAddress',
    ],
    ['a non-http URL', { indicatorType: 'Url', indicatorValue: 'ftp://evil.example.com/' }, 'InvalidUrl'],
    ['an unknown device group', { rbacGroupNames: ['Nope'] }, 'InvalidInput'],
    ['an expiration time in the past', { expirationTime: '2020-12-12T00:00:00Z' }, 'InvalidInput'],
  ];
  for (const [what, change, code] of refusals) {
    it(`refuses ${what} with 400 ${code}`, async () => {
      const body: Record<string, unknown> = indicatorBody(change);
      for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
      const res = await submit(body);
      assert.equal(res.status, 400);
      assert.equal((res.body as DefenderErrorBody).error.code, code);
      assert.equal(t.sim.indicators.activeCount(), 0);
    });
  }

  const accepted: readonly [string, Record<string, unknown>][] = [
    ['a full IPv6 address', { indicatorType: 'IpAddress', indicatorValue: '2001:4860:4860:0:0:0:0:8888' }],
    ['an external IPv4 address', { indicatorType: 'IpAddress', indicatorValue: '8.8.8.8' }],
    ['a URL with a path', { indicatorType: 'Url', indicatorValue: 'https://evil.example.com/login' }],
    [
      'a legacy AlertAndBlock file hash',
      {
        indicatorType: 'FileSha1',
        indicatorValue: '220e7d15b011d7fac48f2bd61114db1022197f7f',
        action: 'AlertAndBlock',
      },
    ],
    ['Audit with generateAlert true', { action: 'Audit', generateAlert: true }],
    ['generateAlert written as the string "True"', { generateAlert: 'True' }],
  ];
  for (const [what, change] of accepted) {
    it(`accepts ${what}`, async () => {
      const res = await submit(indicatorBody(change));
      assert.equal(res.status, 200, res.text);
    });
  }

  it('refuses a new indicator beyond the tenant limit of active indicators', async () => {
    for (const v of ['a.example.com', 'b.example.com', 'c.example.com']) {
      assert.equal((await submit(indicatorBody({ indicatorValue: v }))).status, 200);
    }
    const res = await submit(indicatorBody({ indicatorValue: 'd.example.com' }));
    assert.equal(res.status, 400);
    assert.match((res.body as DefenderErrorBody).error.message, /limit of 3 active indicators/);
  });

  it('still updates an existing indicator at the tenant limit', async () => {
    for (const v of ['a.example.com', 'b.example.com', 'c.example.com'])
      await submit(indicatorBody({ indicatorValue: v }));
    const res = await submit(indicatorBody({ indicatorValue: 'a.example.com', title: 'new' }));
    assert.equal(res.status, 200);
  });

  it('gets one indicator by id', async () => {
    const created = (await submit(indicatorBody())).body as Indicator;
    const res = await t.call('GET', `/api/indicators/${created.id}`, { token });
    assert.equal(res.status, 200);
    assert.equal((res.body as Indicator).indicatorValue, 'evil.example.com');
  });

  it('answers 404 ResourceNotFound for an unknown id', async () => {
    const res = await t.call('GET', '/api/indicators/999', { token });
    assert.equal(res.status, 404);
    assert.equal((res.body as DefenderErrorBody).error.code, 'ResourceNotFound');
  });

  it('deletes an indicator with 204 and no body', async () => {
    const created = (await submit(indicatorBody())).body as Indicator;
    const res = await t.call('DELETE', `/api/indicators/${created.id}`, { token });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.equal(t.sim.indicators.activeCount(), 0);
  });

  it('answers 404 when deleting an unknown id', async () => {
    const res = await t.call('DELETE', '/api/indicators/12345', { token });
    assert.equal(res.status, 404);
  });

  it('serves the same API under the /api/v1.0 prefix', async () => {
    const res = await t.call('POST', '/api/v1.0/indicators', { token, body: indicatorBody() });
    assert.equal(res.status, 200);
  });

  it('drops an indicator from the list once its expiration time passes', async () => {
    await submit(indicatorBody({ expirationTime: '2026-12-01T09:00:00Z' }));
    assert.equal(
      ((await t.call('GET', '/api/indicators', { token })).body as { value: unknown[] }).value.length,
      1,
    );
    t.clock.advance(60 * 60 * 1000);
    const after = (await t.call('GET', '/api/indicators', { token: t.defenderToken() })).body as {
      value: unknown[];
    };
    assert.equal(after.value.length, 0);
  });

  it('shows a Ti.ReadWrite app only the indicators it created', async () => {
    await submit(indicatorBody());
    const own = t.sim.issueToken(ownApp, AUDIENCE.defender);
    await submit(indicatorBody({ indicatorValue: 'mine.example.com' }), own);
    const res = await t.call('GET', '/api/indicators', { token: own });
    const values = (res.body as { value: Indicator[] }).value.map((i) => i.indicatorValue);
    assert.deepEqual(values, ['mine.example.com']);
  });

  it('lists the device groups through exposureScore/ByMachineGroups', async () => {
    const res = await t.call('GET', '/api/exposureScore/ByMachineGroups', { token });
    assert.equal(res.status, 200);
    const names = (res.body as { value: { rbacGroupName: string }[] }).value.map((g) => g.rbacGroupName);
    assert.deepEqual(names, ['Windows', 'macOS', 'iOS', 'Android']);
  });
});
