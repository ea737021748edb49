import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'mocha';
import type { IndicatorSubmission } from '../../bot/defender/defenderClient';
import { requestServices } from '../../bot/requests/requestServices';
import { BotHarness } from '../support/botHarness';
import { cardActionInvoke, teamsMessage, type Scope } from '../support/teamsActivities';

interface Sent {
  text?: string;
  attachments?: Array<{ contentType: string; content?: unknown; contentUrl?: string; name?: string }>;
}
interface InvokeBody {
  statusCode: number;
  type: string;
  value: unknown;
}

const SCOPES: Scope[] = ['personal', 'groupChat', 'channel'];
const DAY = 86_400_000;

async function say(harness: BotHarness, text: string, scope: Scope = 'personal', count = 1): Promise<Sent[]> {
  const before = harness.connector.sentActivities().length;
  const res = await harness.post(teamsMessage(text, { scope }));
  assert.equal(res.status, 200);
  return (await harness.connector.waitForActivities(before + count)).slice(before);
}

function cardOf(sent: Sent | undefined): unknown {
  const card = sent?.attachments?.find(
    (a) => a.contentType === 'application/vnd.microsoft.card.adaptive',
  )?.content;
  assert.ok(card, `no card in ${JSON.stringify(sent).slice(0, 300)}`);
  return card;
}

function actionsOf(card: unknown, verb: string): Array<{ data: Record<string, unknown> }> {
  const found: Array<{ data: Record<string, unknown> }> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute' && o.verb === verb) found.push(o as { data: Record<string, unknown> });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function indicator(value: string, extra: Partial<IndicatorSubmission> = {}): IndicatorSubmission {
  return {
    indicatorType: 'DomainName',
    indicatorValue: value,
    action: 'Block',
    title: `Block ${value}`,
    description: 'seeded by the test',
    severity: 'Medium',
    generateAlert: true,
    ...extra,
  };
}

describe('end to end over HTTP: /list, /show, /remove, /expiring, /export (APPROVAL_MODE=none)', () => {
  const harness = new BotHarness({ env: { APPROVAL_MODE: 'none', BOT_MODE: 'local' } });
  before(async () => {
    await harness.start();
    const defender = harness.app.featureDeps.defender;
    for (let n = 1; n <= 12; n++)
      await defender.submit(indicator(`list${String(n).padStart(2, '0')}.example.com`));
    await defender.submit(indicator('8.8.4.4', { indicatorType: 'IpAddress', action: 'Audit' }));
  });
  after(() => harness.stop());

  for (const scope of SCOPES) {
    it(`answers /list with the first page and a Next button in a ${scope} conversation`, async () => {
      const [sent] = await say(harness, '/list', scope);
      const card = cardOf(sent);
      assert.match(JSON.stringify(card), /list01\.example\.com/);
      assert.equal(actionsOf(card, 'indicators.page').length, 1, 'expected only a Next button');
    });
  }

  it('replaces the list card with the next page when Next is clicked', async () => {
    const [sent] = await say(harness, '/list');
    const next = actionsOf(cardOf(sent), 'indicators.page')[0];
    assert.ok(next);
    const res = await harness.post(cardActionInvoke('indicators.page', next.data));
    const body = res.body as InvokeBody;
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    const shown = JSON.stringify(body.value);
    assert.match(shown, /Page 2/);
    assert.ok(!shown.includes('list01.example.com'), 'page 2 repeats page 1');
    assert.equal(actionsOf(body.value, 'indicators.page').length, 1, 'expected only a Previous button');
  });

  it('filters /list by type and action', async () => {
    const [sent] = await say(harness, '/list ip audit');
    const shown = JSON.stringify(cardOf(sent));
    assert.match(shown, /8\.8\.4\.4/);
    assert.ok(!shown.includes('list01.example.com'));
  });

  it('explains that /list cannot search for part of a value', async () => {
    const [sent] = await say(harness, '/list evil');
    assert.match(sent?.text ?? '', /not supported/);
    assert.match(sent?.text ?? '', /\/show/);
  });

  for (const scope of SCOPES) {
    it(`shows one indicator with its facts and history in a ${scope} conversation`, async () => {
      const [sent] = await say(harness, '/show list03[.]example[.]com', scope);
      const shown = JSON.stringify(cardOf(sent));
      assert.match(shown, /Indicator list03\.example\.com/);
      assert.match(shown, /Request history/);
      assert.match(shown, /No hit source has recorded hits/);
    });
  }

  it('shows an indicator by its id', async () => {
    const target = harness.sim.indicators.listActive().find((i) => i.indicatorValue === 'list04.example.com');
    assert.ok(target);
    const [sent] = await say(harness, `/show ${target.id}`);
    assert.match(JSON.stringify(cardOf(sent)), /list04\.example\.com/);
  });

  it('says when /show finds nothing', async () => {
    const [sent] = await say(harness, '/show nothing-here.example.org');
    assert.match(sent?.text ?? '', /Defender has no indicator/);
  });

  for (const scope of SCOPES) {
    it(`removes an indicator through a removal request from a ${scope} conversation`, async () => {
      const value = `remove-${scope.toLowerCase()}.example.com`;
      await harness.app.featureDeps.defender.submit(indicator(value));
      const [sent] = await say(harness, `/remove ${value}`, scope);
      assert.match(JSON.stringify(cardOf(sent)), /R-[0-9A-Z]{8}/);
      await waitFor(() => !harness.sim.indicators.listActive().some((i) => i.indicatorValue === value));
      const services = requestServices(harness.app.featureDeps);
      await services.submissions.idle();
      const request = (await services.store.list()).find((r) =>
        r.items.some((i) => i.draft?.indicatorValue === value),
      );
      assert.equal(request?.kind, 'remove');
      assert.equal(request?.status, 'submitted');
      const audit = await services.audit.forRequest(request.id);
      assert.ok(
        audit.some((e) => e.type === 'removed'),
        'no removal in the audit log',
      );
    });
  }

  it('says when there is nothing to remove', async () => {
    const [sent] = await say(harness, '/remove gone-already.example.com');
    assert.match(sent?.text ?? '', /nothing to remove/);
  });

  for (const scope of SCOPES) {
    it(`lists only indicators that expire soon, with Extend buttons, in a ${scope} conversation`, async () => {
      const soon = `soon-${scope.toLowerCase()}.example.com`;
      const later = `later-${scope.toLowerCase()}.example.com`;
      const defender = harness.app.featureDeps.defender;
      await defender.submit(indicator(soon, { expirationTime: new Date(Date.now() + 3 * DAY) }));
      await defender.submit(indicator(later, { expirationTime: new Date(Date.now() + 60 * DAY) }));
      const [sent] = await say(harness, '/expiring 7', scope);
      const card = cardOf(sent);
      const shown = JSON.stringify(card);
      assert.ok(shown.includes(soon.replace(/-/g, '\\\\-')), `${soon} is not listed`);
      assert.ok(!shown.includes(later.replace(/-/g, '\\\\-')), `${later} is listed`);
      assert.ok(actionsOf(card, 'indicators.extend').length >= 1);
    });
  }

  it('extends an indicator through an extension request when Extend is clicked', async () => {
    const value = 'extend-me.example.com';
    const created = await harness.app.featureDeps.defender.submit(
      indicator(value, { expirationTime: new Date(Date.now() + 2 * DAY) }),
    );
    const [sent] = await say(harness, '/expiring');
    const extend = actionsOf(cardOf(sent), 'indicators.extend').find(
      (a) => a.data.indicatorId === created.id,
    );
    assert.ok(extend, 'no Extend button for the indicator');
    const res = await harness.post(
      cardActionInvoke('indicators.extend', { ...extend.data, extendBy: '30d' }),
    );
    const body = res.body as InvokeBody;
    assert.equal(body.type, 'application/vnd.microsoft.activity.message');
    assert.match(String(body.value), /requested as R-/);
    await requestServices(harness.app.featureDeps).submissions.idle();
    const after = harness.sim.indicators.listActive().filter((i) => i.indicatorValue === value);
    assert.equal(after.length, 1);
    const expiry = Date.parse(after[0]?.expirationTime ?? '');
    assert.ok(expiry > Date.now() + 31 * DAY, `expiry ${after[0]?.expirationTime ?? ''} was not extended`);
  });

  it('answers a second Extend click with the open request instead of a new one', async () => {
    const created = await harness.app.featureDeps.defender.submit(
      indicator('twice.example.com', { expirationTime: new Date(Date.now() + 2 * DAY) }),
    );
    const services = requestServices(harness.app.featureDeps);
    const hold = services.submissions.submitInBackground.bind(services.submissions);
    // Keep the first request open: no submission runs while the second click arrives.
    services.submissions.submitInBackground = () => undefined;
    try {
      const first = await harness.post(cardActionInvoke('indicators.extend', { indicatorId: created.id }));
      assert.equal(first.status, 200);
      const second = await harness.post(cardActionInvoke('indicators.extend', { indicatorId: created.id }));
      assert.equal(second.status, 409);
      assert.match(JSON.stringify(second.body), /already asks to extend/);
    } finally {
      services.submissions.submitInBackground = hold;
    }
  });

  for (const scope of SCOPES) {
    it(`sends the CSV inline in local mode from a ${scope} conversation`, async () => {
      const [sent] = await say(harness, '/export', scope);
      const file = sent?.attachments?.find((a) => a.contentType === 'text/csv');
      const url = file?.contentUrl ?? '';
      assert.ok(url.startsWith('data:text/csv;base64,'), 'no inline CSV');
      const csv = Buffer.from(url.split(',')[1] ?? '', 'base64').toString('utf8');
      assert.match(csv, /^\ufeffIndicatorType,IndicatorValue,ExpirationTime,Action,/);
      assert.match(csv, /DomainName,list01\.example\.com,/);
      assert.match(file?.name ?? '', /^defender-indicators-\d{4}-\d{2}-\d{2}\.csv$/);
    });
  }

  describe('file consent (Teams)', () => {
    let upload: Server;
    let uploadUrl = '';
    const received: string[] = [];
    before(async () => {
      upload = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          res.writeHead(201);
          res.end('{}');
        });
      });
      await new Promise<void>((resolve) => upload.listen(0, '127.0.0.1', resolve));
      uploadUrl = `http://127.0.0.1:${(upload.address() as AddressInfo).port}/upload-session`;
    });
    after(async () => {
      upload.closeAllConnections();
      await new Promise<void>((resolve) => upload.close(() => resolve()));
    });

    it('uploads the CSV to the accepted upload URL and posts a file info card', async () => {
      const before = harness.connector.sentActivities().length;
      const res = await harness.post({
        ...teamsMessage(''),
        type: 'invoke',
        name: 'fileConsent/invoke',
        text: undefined,
        value: {
          type: 'fileUpload',
          action: 'accept',
          context: { kind: 'indicatorExport' },
          uploadInfo: {
            name: 'defender-indicators.csv',
            uploadUrl,
            contentUrl: 'https://contoso-my.sharepoint.com/personal/alex/Documents/defender-indicators.csv',
            uniqueId: 'drive-item-1',
            fileType: 'csv',
          },
        },
      });
      assert.equal(res.status, 200);
      assert.match(received.at(-1) ?? '', /IndicatorType,IndicatorValue/);
      const sent = (await harness.connector.waitForActivities(before + 1)).slice(before) as Sent[];
      const info = sent
        .flatMap((s) => s.attachments ?? [])
        .find((a) => a.contentType === 'application/vnd.microsoft.teams.card.file.info');
      assert.ok(info, 'no file info card');
      assert.equal((info.content as { uniqueId?: string }).uniqueId, 'drive-item-1');
    });
  });
});

describe('end to end over HTTP: /remove with approval required', () => {
  const harness = new BotHarness({ env: { BOT_MODE: 'local' } });
  before(() => harness.start());
  after(() => harness.stop());

  it('leaves the indicator in Defender and the request pending until it is approved', async () => {
    await harness.app.featureDeps.defender.submit(indicator('keep-until-approved.example.com'));
    const [sent] = await say(harness, '/remove keep-until-approved.example.com');
    assert.match(JSON.stringify(cardOf(sent)), /Awaiting approval/);
    const services = requestServices(harness.app.featureDeps);
    await services.submissions.idle();
    const request = (await services.store.list()).find((r) => r.kind === 'remove');
    assert.equal(request?.status, 'pending');
    assert.ok(
      harness.sim.indicators.listActive().some((i) => i.indicatorValue === 'keep-until-approved.example.com'),
    );
  });
});
