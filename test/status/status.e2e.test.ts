import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import { tokenRoles } from '../../bot/status/statusFeature';
import { BotHarness } from '../support/botHarness';
import { teamsMessage } from '../support/teamsActivities';

async function statusCard(harness: BotHarness): Promise<string> {
  const before = harness.connector.sentActivities().length;
  await harness.post(teamsMessage('/status'));
  const sent = (await harness.connector.waitForActivities(before + 1, 15000))[before] as {
    attachments?: Array<{ content: unknown }>;
  };
  // Markdown escapes (`\\(`) are how the card shows text literally; drop them to read it.
  return JSON.stringify(sent.attachments?.[0]?.content ?? {}).replace(/\\\\/g, '');
}

describe('/status', () => {
  describe('with every role granted', () => {
    const harness = new BotHarness();
    before(() => harness.start());
    after(() => harness.stop());

    it('reports Defender and Graph reachable and every needed role granted', async () => {
      const card = await statusCard(harness);
      assert.match(card, /Defender \(https:\/\/127\.0\.0\.1:\d+\)","value":"answers/);
      assert.match(card, /Graph \(https:\/\/127\.0\.0\.1:\d+\)","value":"answers/);
      assert.match(card, /Ti.ReadWrite.All \(defender\)","value":"granted/);
      assert.match(card, /ThreatHunting.Read.All \(graph\)","value":"granted/);
      assert.match(card, /Everything answers/);
    });
  });

  describe('with a token lacking a role and Defender failing', () => {
    const harness = new BotHarness({
      simulator: {
        roles: {
          'https://api.securitycenter.microsoft.com': ['Ti.ReadWrite.All'],
          'https://graph.microsoft.com': ['SecurityAlert.Read.All'],
        },
      },
    });
    before(() => harness.start());
    after(() => harness.stop());

    it('names the missing role and what it is needed for', async () => {
      const card = await statusCard(harness);
      assert.match(
        card,
        /ThreatHunting.Read.All \(graph\)","value":"MISSING — needed for hit notifications from advanced hunting/,
      );
      assert.match(card, /Something needs attention/);
    });

    it('says Defender is not reachable when it answers 503', async () => {
      harness.sim.faults.set({ endpoint: 'defender.list', kind: 'status', status: 503, count: 100 });
      try {
        const card = await statusCard(harness);
        assert.match(card, /Defender \(https:\/\/127\.0\.0\.1:\d+\)","value":"not reachable/);
      } finally {
        harness.sim.faults.clear();
      }
    });
  });

  describe('token roles', () => {
    it('reads the roles claim of an access token', () => {
      const payload = Buffer.from(JSON.stringify({ roles: ['A', 'B', 3] })).toString('base64url');
      assert.deepEqual(tokenRoles(`x.${payload}.y`), ['A', 'B']);
    });

    it('answers no roles for something that is not a JWT', () => {
      assert.deepEqual(tokenRoles('not-a-token'), []);
    });
  });
});
