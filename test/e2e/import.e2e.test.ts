import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'mocha';
import { CARD_SIZE_BUDGET_BYTES } from '../../bot/cards/cardRenderer';
import { requestServices } from '../../bot/requests/requestServices';
import { BotHarness } from '../support/botHarness';
import { cardActionInvoke, teamsMessage, type Scope } from '../support/teamsActivities';

interface Sent {
  text?: string;
  attachments?: Array<{ contentType: string; content?: unknown }>;
}
interface InvokeBody {
  statusCode: number;
  type: string;
  value: unknown;
}

const HEADER =
  'IndicatorType,IndicatorValue,ExpirationTime,Action,Severity,Title,Description,RecommendedActions,RbacGroups,Category,MitreTechniques,GenerateAlert';

const MIXED = [
  HEADER,
  'DomainName,import-ok.example.com,,Block,High,Campaign X,From the CSV,,,,,true',
  'IpAddress,10.0.0.1,,Block,Low,Private,Should fail,,,,,true',
  'Url,https://import-ok.example.net/login,,Audit,Low,,,,,,,true',
  'DomainName,bad-action.example.org,,Explode,Low,,,,,,,false',
].join('\r\n');

function bulk(n: number): string {
  const rows = Array.from(
    { length: n },
    (_, i) => `DomainName,bulk${i}.example.com,,Block,Medium,,,,,,,true`,
  );
  return [HEADER, ...rows].join('\r\n');
}

function fileMessage(
  url: string,
  name: string,
  options: { scope?: Scope; text?: string } = {},
): Record<string, unknown> {
  return {
    ...teamsMessage(options.text ?? '', { scope: options.scope ?? 'personal' }),
    attachments: [
      {
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        contentUrl: `https://contoso-my.sharepoint.com/personal/alex/Documents/${name}`,
        name,
        content: { downloadUrl: url, uniqueId: 'drive-item-1', fileType: name.split('.').pop() ?? '' },
      },
    ],
  };
}

function cardOf(sent: readonly Sent[]): unknown {
  const card = sent
    .flatMap((s) => s.attachments ?? [])
    .find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
  assert.ok(card, `no card in ${JSON.stringify(sent).slice(0, 300)}`);
  return card;
}

function requestIdOf(card: unknown): string {
  const id = /"verb":"import\.submit","style":"positive","data":\{"requestId":"(R-[0-9A-Z]{8})"/.exec(
    JSON.stringify(card),
  )?.[1];
  assert.ok(id, 'the summary card has no Submit with a request id');
  return id;
}

async function waitFor(condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('end to end over HTTP: /import of a portal CSV (APPROVAL_MODE=none)', () => {
  const harness = new BotHarness({ env: { APPROVAL_MODE: 'none', BOT_MODE: 'local' } });
  let files: Server;
  let base = '';
  const served: Record<string, string> = {
    '/mixed.csv': MIXED,
    '/bulk.csv': bulk(250),
    '/cancel.csv': MIXED,
  };

  before(async () => {
    await harness.start();
    files = createServer((req, res) => {
      const body = served[req.url ?? ''];
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/csv' });
      res.end(body ?? '');
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  after(async () => {
    files.closeAllConnections();
    await new Promise<void>((resolve) => files.close(() => resolve()));
    await harness.stop();
  });

  async function upload(message: Record<string, unknown>, count = 2): Promise<Sent[]> {
    const before = harness.connector.sentActivities().length;
    const res = await harness.post(message);
    assert.equal(res.status, 200);
    return (await harness.connector.waitForActivities(before + count)).slice(before);
  }

  it('checks every row, shows row-numbered errors, and submits the valid rows as one request', async () => {
    const sent = await upload(fileMessage(`${base}/mixed.csv`, 'mixed.csv'));
    assert.match(sent[0]?.text ?? '', /Got mixed\.csv/);
    const card = cardOf(sent);
    const shown = JSON.stringify(card);
    assert.match(shown, /Row 3 \\*\(error\\*\)/);
    assert.match(shown, /Row 5 \\*\(error\\*\)/);
    assert.match(shown, /Submit 2 to Defender/);
    const requestId = requestIdOf(card);

    const res = await harness.post(cardActionInvoke('import.submit', { requestId }));
    const body = res.body as InvokeBody;
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    assert.ok(
      !JSON.stringify(body.value).includes('import.submit'),
      'the submitted card still offers Submit',
    );

    const services = requestServices(harness.app.featureDeps);
    await waitFor(() =>
      harness.sim.indicators.listActive().some((i) => i.indicatorValue === 'import-ok.example.com'),
    );
    await services.submissions.idle();
    const active = harness.sim.indicators.listActive();
    const domain = active.find((i) => i.indicatorValue === 'import-ok.example.com');
    assert.equal(domain?.title, 'Campaign X');
    assert.equal(domain?.severity, 'High');
    assert.equal(
      active.find((i) => i.indicatorValue === 'https://import-ok.example.net/login')?.action,
      'Audit',
    );
    assert.ok(!active.some((i) => i.indicatorValue === '10.0.0.1'));
    const request = await services.store.get(requestId);
    assert.equal(request.status, 'submitted');
    assert.equal(request.items.length, 2);
    const update = harness.connector.calls.filter((c) => c.method === 'PUT').at(-1);
    assert.match(JSON.stringify(update?.body ?? {}), /2 of 2 indicator\\*\(s\\*\) are in Defender/);
  });

  it('makes one request of a file with more than 200 valid rows and keeps the card under budget', async () => {
    const sent = await upload(fileMessage(`${base}/bulk.csv`, 'bulk.csv', { text: '/import' }));
    const card = cardOf(sent);
    assert.ok(Buffer.byteLength(JSON.stringify(card)) < CARD_SIZE_BUDGET_BYTES);
    assert.match(JSON.stringify(card), /First 15 of 250 rows/);
    const requestId = requestIdOf(card);
    await harness.post(cardActionInvoke('import.submit', { requestId }));
    const services = requestServices(harness.app.featureDeps);
    await waitFor(() =>
      harness.sim.indicators.listActive().some((i) => i.indicatorValue === 'bulk249.example.com'),
    );
    await services.submissions.idle();
    const request = await services.store.get(requestId);
    assert.equal(request.items.length, 250);
    assert.equal(request.status, 'submitted');
    assert.equal(
      harness.sim.indicators.listActive().filter((i) => /^bulk\d+\.example\.com$/.test(i.indicatorValue))
        .length,
      250,
    );
  });

  it('cancels an import without sending anything to Defender', async () => {
    harness.sim.indicators.reset();
    const card = cardOf(await upload(fileMessage(`${base}/cancel.csv`, 'cancel.csv')));
    const requestId = requestIdOf(card);
    const res = await harness.post(cardActionInvoke('import.cancel', { requestId }));
    assert.match(JSON.stringify((res.body as InvokeBody).value), /Cancelled/);
    assert.equal((await requestServices(harness.app.featureDeps).store.get(requestId)).status, 'cancelled');
    assert.equal(harness.sim.indicators.listActive().length, 0);
  });

  it('refuses a click on another person’s import', async () => {
    const requestId = requestIdOf(cardOf(await upload(fileMessage(`${base}/mixed.csv`, 'mixed.csv'))));
    const res = await harness.post(
      cardActionInvoke(
        'import.submit',
        { requestId },
        { from: { id: '29:eve', name: 'Eve', aadObjectId: 'eve-1' } },
      ),
    );
    assert.equal(res.status, 403);
  });

  it('explains what to attach when /import comes without a file', async () => {
    const [sent] = await upload(teamsMessage('/import'), 1);
    assert.match(sent?.text ?? '', /Attach a CSV/);
  });

  for (const scope of ['groupChat', 'channel'] as Scope[]) {
    it(`sends the analyst to personal chat for /import in a ${scope}`, async () => {
      const [sent] = await upload(teamsMessage('/import', { scope }), 1);
      assert.match(sent?.text ?? '', /personal chat/);
    });
  }

  it('refuses a file that is not a CSV', async () => {
    const [sent] = await upload(fileMessage(`${base}/mixed.csv`, 'notes.docx'), 1);
    assert.match(sent?.text ?? '', /is not a CSV file/);
  });

  it('reports a file that cannot be downloaded', async () => {
    const sent = await upload(fileMessage(`${base}/missing.csv`, 'missing.csv'));
    assert.match(sent.at(-1)?.text ?? '', /could not be downloaded/);
  });
});
