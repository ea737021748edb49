import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import { requestServices } from '../../bot/requests/requestServices';
import { BotHarness } from '../support/botHarness';
import { cardActionInvoke, teamsMessage, type Scope } from '../support/teamsActivities';

interface Card {
  body: unknown[];
  actions?: Array<{ verb?: string; data?: { requestId?: string } }>;
}
interface Sent {
  attachments?: Array<{ content: Card }>;
}
interface InvokeBody {
  statusCode: number;
  type: string;
  value: Card & { message?: string };
}

/** Posts a command and returns the review card the bot answers with. */
async function openReview(
  harness: BotHarness,
  text: string,
  scope: Scope = 'personal',
): Promise<{ card: Card; requestId: string }> {
  const before = harness.connector.sentActivities().length;
  const res = await harness.post(teamsMessage(text, { scope }));
  assert.equal(res.status, 200);
  const sent = (await harness.connector.waitForActivities(before + 1))[before] as Sent;
  const card = sent.attachments?.[0]?.content;
  assert.ok(card, 'no card in the reply');
  const requestId = card.actions?.find((a) => a.verb === 'request.submit')?.data?.requestId;
  assert.ok(requestId, 'the review card has no Submit action with a request id');
  return { card, requestId };
}

function text(card: unknown): string {
  return JSON.stringify(card);
}

describe('end to end over HTTP: /block → review card → submit → Defender (APPROVAL_MODE=none)', () => {
  const harness = new BotHarness({ env: { APPROVAL_MODE: 'none', BOT_MODE: 'local' } });
  before(() => harness.start());
  after(() => harness.stop());

  for (const scope of ['personal', 'groupChat', 'channel'] as Scope[]) {
    it(`opens a prefilled review card for /block url in a ${scope} conversation`, async () => {
      const { card } = await openReview(harness, '/block url hxxps://evil[.]example[.]com/path', scope);
      const shown = text(card);
      assert.match(shown, /Block request — review/);
      assert.match(shown, /https:\/\/evil\.example\.com\/path/);
      assert.match(shown, /iOS/);
      assert.ok(!shown.includes('${'));
    });
  }

  it('submits the indicator to Defender with the exact fields, and freezes the card', async () => {
    const { requestId } = await openReview(
      harness,
      '/block domain bet365.com --expires 30d --severity high --title "Gambling" --desc "Policy" --all-devices',
    );
    const res = await harness.post(cardActionInvoke('request.submit', { requestId }));
    assert.equal(res.status, 200);
    const body = res.body as InvokeBody;
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(text(body.value), new RegExp(`Block request ${requestId}`));
    assert.ok(!text(body.value).includes('request.submit'), 'the frozen card still offers Submit');

    await waitFor(() => harness.sim.indicators.listActive().some((i) => i.indicatorValue === 'bet365.com'));
    const indicator = harness.sim.indicators.listActive().find((i) => i.indicatorValue === 'bet365.com');
    assert.ok(indicator);
    assert.equal(indicator.indicatorType, 'DomainName');
    assert.equal(indicator.action, 'Block');
    assert.equal(indicator.title, 'Gambling');
    assert.equal(indicator.description, 'Policy');
    assert.equal(indicator.severity, 'High');
    assert.equal(indicator.generateAlert, true);
    assert.deepEqual(indicator.rbacGroupNames, []);
    assert.ok(indicator.expirationTime, 'no expiration time');

    // The requester's card is updated once Defender has the indicator.
    await requestServices(harness.app.featureDeps).submissions.idle();
    const update = harness.connector.calls.filter((c) => c.method === 'PUT').at(-1);
    assert.ok(update, 'the review card was not updated');
    assert.match(JSON.stringify(update.body), new RegExp(`in Defender as indicator ${indicator.id}`));
  });

  it('answers a second Submit click with the frozen card and submits nothing more', async () => {
    const { requestId } = await openReview(harness, '/block domain once.example.net');
    const first = await harness.post(cardActionInvoke('request.submit', { requestId }));
    const second = await harness.post(cardActionInvoke('request.submit', { requestId }));
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.ok(!text((second.body as InvokeBody).value).includes('request.submit'));
    await waitFor(() =>
      harness.sim.indicators.listActive().some((i) => i.indicatorValue === 'once.example.net'),
    );
    const services = requestServices(harness.app.featureDeps);
    await services.submissions.idle();
    const request = await services.store.get(requestId);
    assert.equal(request.status, 'submitted');
    assert.equal(request.submissionAttempts, 1);
    const audit = await services.audit.forRequest(requestId);
    assert.equal(audit.filter((e) => e.type === 'submitted').length, 1);
  });

  it('exports the audit log of a request as CSV with /export audit', async () => {
    const { requestId } = await openReview(harness, '/block domain audited.example.net');
    await harness.post(cardActionInvoke('request.submit', { requestId }));
    await requestServices(harness.app.featureDeps).submissions.idle();
    const before = harness.connector.sentActivities().length;
    await harness.post(teamsMessage(`/export audit ${requestId}`));
    const sent = (await harness.connector.waitForActivities(before + 1))[before] as {
      attachments?: Array<{ contentType: string; contentUrl?: string }>;
    };
    const url = sent.attachments?.find((a) => a.contentType === 'text/csv')?.contentUrl ?? '';
    assert.ok(url.startsWith('data:text/csv;base64,'), JSON.stringify(sent));
    const csv = Buffer.from(url.slice('data:text/csv;base64,'.length), 'base64').toString('utf8');
    for (const event of ['requested', 'submittedForApproval', 'submissionStarted', 'submitted']) {
      assert.match(csv, new RegExp(`${requestId}.*${event}`), `${event} missing from the audit CSV`);
    }
  });

  it('warns on the review card when Defender already has an indicator with another action on the value', async () => {
    await harness.app.featureDeps.defender.submit({
      indicatorType: 'DomainName',
      indicatorValue: 'already-allowed.net',
      action: 'Allowed',
      title: 'Allowed by IT',
      description: 'Partner site',
    });
    const { card } = await openReview(harness, '/block domain already-allowed.net');
    const shown = text(card).replace(/\\\\/g, '');
    assert.match(shown, /already-allowed\.net already has/);
    assert.match(shown, /Allow/);
    assert.match(shown, /rather than adding a second indicator with another action/);
  });

  it('opens an empty form with /new, and the values typed into it are checked and submitted', async () => {
    const { card, requestId } = await openReview(harness, '/new');
    assert.ok(!text(card).includes('a URL, domain, IP, hash'), 'a fresh form shows no error yet');
    const typed = 'hxxps://phish[.]malware-drop[.]net/login\n185.220.101.4';
    const recheck = await harness.post(
      cardActionInvoke('request.recheck', { requestId, values: typed, action: 'block' }),
    );
    const rechecked = text((recheck.body as InvokeBody).value);
    assert.match(rechecked, /https:\/\/phish\.malware-drop\.net\/login/);
    assert.match(rechecked, /185\.220\.101\.4/);
    const res = await harness.post(
      cardActionInvoke('request.submit', { requestId, values: typed, action: 'block' }),
    );
    assert.equal(res.status, 200);
    await requestServices(harness.app.featureDeps).submissions.idle();
    const values = harness.sim.indicators.listActive().map((i) => i.indicatorValue);
    assert.ok(values.includes('https://phish.malware-drop.net/login'));
    assert.ok(values.includes('185.220.101.4'));
  });

  it('submits nothing and says why when /new is submitted empty', async () => {
    const { requestId } = await openReview(harness, '/new');
    const res = await harness.post(cardActionInvoke('request.submit', { requestId, values: '' }));
    assert.match(
      text((res.body as InvokeBody).value),
      /Give at least one value .{0,6}a URL, domain, IP, hash/,
    );
  });

  it('shows an error beside the expiry field and keeps the card editable', async () => {
    const { requestId } = await openReview(harness, '/block domain later.example.org');
    const res = await harness.post(cardActionInvoke('request.submit', { requestId, expiry: 'next tuesday' }));
    const card = (res.body as InvokeBody).value;
    assert.match(text(card), /30d, 12h, 2w/);
    assert.ok(text(card).includes('request.submit'), 'the card is no longer editable');
    assert.ok(!harness.sim.indicators.listActive().some((i) => i.indicatorValue === 'later.example.org'));
  });

  it('refuses a click on another person’s request', async () => {
    const { requestId } = await openReview(harness, '/block domain mine.example.org');
    const res = await harness.post(
      cardActionInvoke(
        'request.submit',
        { requestId },
        { from: { id: '29:eve', name: 'Eve', aadObjectId: 'eve-1' } },
      ),
    );
    assert.equal(res.status, 403);
    assert.match((res.body as InvokeBody).value.message ?? '', /only they can change it/);
  });

  it('answers a request id that does not exist with a clear error', async () => {
    const res = await harness.post(cardActionInvoke('request.submit', { requestId: 'R-NOTHERE' }));
    assert.equal(res.status, 404);
    assert.match((res.body as InvokeBody).value.message ?? '', /There is no request R-NOTHERE/);
  });

  it('explains a usage error with the correct form', async () => {
    const before = harness.connector.sentActivities().length;
    await harness.post(teamsMessage('/block'));
    const sent = (await harness.connector.waitForActivities(before + 1))[before] as { text?: string };
    assert.match(sent.text ?? '', /\/block/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
