import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { AuditLog, type AuditEntry } from '../../bot/approvals/auditLog';
import type { IndicatorRequest } from '../../bot/approvals/indicatorRequest';
import { RequestStore } from '../../bot/approvals/requestStore';
import { startAzurite, type RunningAzurite } from '../../bot/local/azurite';
import { freePort } from '../../bot/local/childProcess';
import { silentLogger } from '../../bot/logging';
import { repoRoot } from '../../bot/paths';
import { AzureTableStore } from '../../bot/storage/tableStore';
import { startSimulator, type RunningSimulator } from '../../simulator/index';
import { TEST_CA_DIR } from '../support/botHarness';
import { ConnectorStub } from '../support/connectorStub';
import { cardActionInvoke, teamsMessage } from '../support/teamsActivities';

/**
 * The bot as a real process on real storage (Azurite), talking to a simulator that outlives it: the process is
 * killed with SIGKILL while an approved request is being submitted, started again, and the indicator must end up
 * in Defender exactly once.
 */
describe('crash between approval and submission (the bot process is killed)', function () {
  this.timeout(180000);
  let sim: RunningSimulator;
  let azurite: RunningAzurite;
  const connector = new ConnectorStub();
  let dir = '';
  let port = 0;
  let bot: ChildProcess | undefined;
  let output = '';

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ioc-crash-'));
    sim = await startSimulator({ caDir: TEST_CA_DIR, port: 0, rateLimits: false });
    azurite = await startAzurite(path.join(dir, 'azurite'), { ...process.env }, silentLogger());
    await connector.start();
    port = await freePort();
  });
  after(async () => {
    bot?.kill('SIGKILL');
    await connector.stop();
    await azurite?.stop();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startBot(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'bot', 'index.js')], {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: path.join(dir, 'data'),
        LOG_LEVEL: 'warn',
        PLAYGROUND: 'off',
        // A claim older than 2 s belongs to a dead instance (default 300 s).
        SUBMISSION_STALE_SECONDS: '2',
        DEFENDER_API_URL: sim.url,
        GRAPH_API_URL: sim.url,
        AZURE_AUTHORITY_HOST: sim.url,
        AZURE_TENANT_ID: sim.tenantId,
        AZURE_CLIENT_ID: sim.clientId,
        AZURE_CLIENT_SECRET: sim.clientSecret,
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        NODE_EXTRA_CA_CERTS: path.join(TEST_CA_DIR, 'ca.pem'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`the bot exited: ${output.slice(-2000)}`);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      return res?.status === 200;
    }, 60000);
    return child;
  }

  async function post(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...activity, serviceUrl: connector.url }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  it('submits the approved indicator exactly once after a restart', async () => {
    const store = new RequestStore(
      AzureTableStore.fromConnectionString<IndicatorRequest>(azurite.connectionString, 'requests'),
    );
    const audit = new AuditLog(
      AzureTableStore.fromConnectionString<AuditEntry>(azurite.connectionString, 'audit'),
    );
    bot = await startBot();

    let sent = connector.sentActivities().length;
    await post(teamsMessage('/subscribe approvals', { scope: 'channel' }));
    await connector.waitForActivities(sent + 1, 15000);

    sent = connector.sentActivities().length;
    await post(teamsMessage('/block domain crash-test-drop.net'));
    const review = (await connector.waitForActivities(sent + 1, 15000))[sent] as {
      attachments?: Array<{ content: { actions?: Array<{ verb?: string; data?: { requestId?: string } }> } }>;
    };
    const requestId = review.attachments?.[0]?.content.actions?.find((a) => a.verb === 'request.submit')?.data
      ?.requestId;
    assert.ok(requestId, 'no review card');
    assert.equal((await post(cardActionInvoke('request.submit', { requestId }))).status, 200);
    const cardId = (await store.get(requestId)).approvalCards?.[0]?.activityId;
    assert.ok(cardId, 'the approval card was not posted');

    // Defender answers slowly, so the kill lands while the submission is under way.
    sim.faults.set({ endpoint: 'defender.submit', kind: 'latency', latencyMs: 3000, count: 1 });
    const approve = await post({
      ...cardActionInvoke('approval.approve', { requestId }, { scope: 'channel' }),
      replyToId: cardId,
    });
    assert.equal(approve.status, 200);
    await until(async () => (await store.get(requestId)).status === 'submitting', 15000);
    bot.kill('SIGKILL');
    await new Promise((resolve) => bot?.once('exit', resolve));
    sim.faults.clear();

    bot = await startBot();
    await until(async () => (await store.get(requestId)).status === 'submitted', 60000);
    const inDefender = sim.indicators.listActive().filter((i) => i.indicatorValue === 'crash-test-drop.net');
    assert.equal(inDefender.length, 1);
    const request = await store.get(requestId);
    assert.equal(request.items[0]?.defenderId, inDefender[0]?.id);
    const types = (await audit.forRequest(requestId)).map((e) => e.type);
    assert.ok(types.includes('reconciled'), `no reconciliation in the audit log: ${types.join(', ')}`);
    assert.equal(types.filter((t) => t === 'submitted').length, 1);
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
