import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { parseCommand } from '../../bot/commands/commandParser';
import type { HitRecord } from '../../bot/notifications/hitRecord';
import { escalationCommand } from '../../bot/notifications/hitsFeature';

function hit(overrides: Partial<HitRecord>): HitRecord {
  return {
    id: 'hunting:1',
    timestamp: '2026-12-01T08:00:00Z',
    deviceId: 'device-1',
    deviceName: 'pixel-isaiahl',
    deviceGroup: 'Android',
    target: 'login.malware-drop.net',
    action: 'Audit',
    sources: ['hunting'],
    sourceIds: {},
    status: 'announced',
    recordedAt: '2026-12-01T08:00:05Z',
    ...overrides,
  };
}

describe('escalation from a hit', () => {
  it('prefills the value, the device group and a title naming the device', () => {
    const parsed = parseCommand(escalationCommand(hit({})));
    assert.equal(parsed.name, 'block');
    if (parsed.name !== 'block') return;
    assert.deepEqual(parsed.values, ['login.malware-drop.net']);
    assert.deepEqual(parsed.scope, { kind: 'groups', groups: ['Android'] });
    assert.equal(parsed.title, 'Escalated from Audit hit on pixel-isaiahl');
  });

  const hostile = [
    ['a device name that closes the quote and adds a value', 'Bob" contoso-payroll.com "'],
    ['a device name that adds an option', 'Bob" --all-devices "x'],
    ['a device name with a line break', 'Bob\n/block contoso.com'],
    ['a device name with curly quotes', 'Bob” contoso-payroll.com “'],
  ];
  for (const [what, deviceName] of hostile) {
    it(`keeps ${what} inside the title`, () => {
      const parsed = parseCommand(escalationCommand(hit({ deviceName })));
      assert.equal(parsed.name, 'block');
      if (parsed.name !== 'block') return;
      assert.deepEqual(parsed.values, ['login.malware-drop.net']);
      assert.deepEqual(parsed.scope, { kind: 'groups', groups: ['Android'] });
    });
  }
});
