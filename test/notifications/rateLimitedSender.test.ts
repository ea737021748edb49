import assert from 'node:assert/strict';
import type { Activity, ConversationReference } from 'botbuilder';
import { describe, it } from 'mocha';
import type { ProactiveMessenger } from '../../bot/feature';
import {
  RateLimitedSender,
  TEAMS_THREAD_WINDOWS,
  retryAfterMs,
  type RateWindow,
} from '../../bot/notifications/rateLimitedSender';
import { VirtualClock } from './virtualClock';

interface Delivery {
  readonly conversationId: string;
  readonly at: number;
  readonly text: string;
}

class RecordingMessenger implements ProactiveMessenger {
  readonly attempts: Delivery[] = [];
  readonly delivered: Delivery[] = [];
  /** Errors to throw on the next attempts, in order. */
  failures: Error[] = [];

  constructor(private readonly clock: VirtualClock) {}

  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    const d = {
      conversationId: reference.conversation?.id ?? '',
      at: this.clock.now(),
      text: activity.text ?? '',
    };
    this.attempts.push(d);
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    this.delivered.push(d);
    return Promise.resolve(`id-${this.delivered.length}`);
  }

  update(
    reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void> {
    return this.send(reference, { ...activity, id: activityId }).then(() => undefined);
  }
}

function ref(id: string): Partial<ConversationReference> {
  return { conversation: { id, isGroup: true, conversationType: 'channel', name: '' } };
}

function httpError(status: number, retryAfter?: string): Error & { statusCode: number; response: unknown } {
  const headers = new Map<string, string>(retryAfter === undefined ? [] : [['retry-after', retryAfter]]);
  return Object.assign(new Error(`HTTP ${status}`), { statusCode: status, response: { status, headers } });
}

/** The first window that `times` exceeds, if any: some `limit + 1` operations inside one `ms`. */
function violated(times: readonly number[], windows: readonly RateWindow[]): RateWindow | undefined {
  const sorted = [...times].sort((a, b) => a - b);
  return windows.find((w) =>
    sorted.some((t, i) => i + w.limit < sorted.length && (sorted[i + w.limit] ?? 0) - t < w.ms),
  );
}

function setup(options: { random?: () => number } = {}): {
  clock: VirtualClock;
  messenger: RecordingMessenger;
  sender: RateLimitedSender;
} {
  const clock = new VirtualClock();
  const messenger = new RecordingMessenger(clock);
  const sender = new RateLimitedSender(messenger, { clock, random: options.random ?? (() => 0.5) });
  return { clock, messenger, sender };
}

describe('RateLimitedSender', () => {
  it('paces a burst of 200 messages to one channel within every Teams window and keeps their order', async () => {
    const { clock, messenger, sender } = setup();
    const sends = Array.from({ length: 200 }, (_, i) =>
      sender.send(ref('19:a@thread.tacv2'), { text: `m${i}` }),
    );
    await clock.runUntil(Promise.all(sends));
    assert.equal(messenger.delivered.length, 200);
    assert.deepEqual(
      messenger.delivered.map((d) => d.text),
      Array.from({ length: 200 }, (_, i) => `m${i}`),
    );
    assert.equal(
      violated(
        messenger.attempts.map((d) => d.at),
        TEAMS_THREAD_WINDOWS,
      ),
      undefined,
    );
  });

  it('never sends more than 1,800 messages to one channel in an hour', async () => {
    const { clock, messenger, sender } = setup();
    const sends = Array.from({ length: 1_850 }, (_, i) =>
      sender.send(ref('19:a@thread.tacv2'), { text: `m${i}` }),
    );
    await clock.runUntil(Promise.all(sends));
    const times = messenger.attempts.map((d) => d.at);
    assert.equal(violated(times, TEAMS_THREAD_WINDOWS), undefined);
    assert.ok((times[1_800] ?? 0) - (times[0] ?? 0) >= 3_600_000, 'the 1,801st send came within the hour');
  });

  it('counts replies in a channel thread against the channel', async () => {
    const { clock, messenger, sender } = setup();
    const sends = Array.from({ length: 30 }, (_, i) =>
      sender.send(ref(i % 2 ? '19:a@thread.tacv2' : '19:a@thread.tacv2;messageid=17'), { text: `m${i}` }),
    );
    await clock.runUntil(Promise.all(sends));
    assert.equal(
      violated(
        messenger.attempts.map((d) => d.at),
        TEAMS_THREAD_WINDOWS,
      ),
      undefined,
    );
  });

  it('does not hold one channel back while another channel is paced', async () => {
    const { clock, messenger, sender } = setup();
    const busy = Array.from({ length: 40 }, (_, i) =>
      sender.send(ref('19:busy@thread.tacv2'), { text: `b${i}` }),
    );
    const quiet = sender.send(ref('19:quiet@thread.tacv2'), { text: 'q' });
    await clock.runUntil(Promise.all([...busy, quiet]));
    const start = messenger.attempts[0]?.at ?? 0;
    assert.equal(messenger.delivered.find((d) => d.text === 'q')?.at, start);
  });

  it('waits for Retry-After (plus jitter) after a 429 and then delivers once', async () => {
    const { clock, messenger, sender } = setup({ random: () => 0.5 });
    messenger.failures = [httpError(429, '3')];
    await clock.runUntil(sender.send(ref('19:a@thread.tacv2'), { text: 'x' }));
    assert.equal(messenger.attempts.length, 2);
    assert.equal(messenger.delivered.length, 1);
    assert.equal((messenger.attempts[1]?.at ?? 0) - (messenger.attempts[0]?.at ?? 0), 3_000 + 250);
  });

  for (const status of [412, 502, 503, 504]) {
    it(`retries a ${status} with backoff and delivers`, async () => {
      const { clock, messenger, sender } = setup();
      messenger.failures = [httpError(status)];
      assert.equal(await clock.runUntil(sender.send(ref('19:a@thread.tacv2'), { text: 'x' })), 'id-1');
      assert.equal(messenger.attempts.length, 2);
      assert.ok((messenger.attempts[1]?.at ?? 0) > (messenger.attempts[0]?.at ?? 0));
    });
  }

  it('does not retry a 403 (bot removed from the channel)', async () => {
    const { clock, messenger, sender } = setup();
    messenger.failures = [httpError(403)];
    await assert.rejects(clock.runUntil(sender.send(ref('19:a@thread.tacv2'), { text: 'x' })), {
      message: 'HTTP 403',
    });
    assert.equal(messenger.attempts.length, 1);
  });

  it('gives up after five attempts and lets the next message of the queue through', async () => {
    const { clock, messenger, sender } = setup();
    messenger.failures = Array.from({ length: 5 }, () => httpError(503));
    const first = sender.send(ref('19:a@thread.tacv2'), { text: 'x' });
    const second = sender.send(ref('19:a@thread.tacv2'), { text: 'y' });
    await assert.rejects(clock.runUntil(first), { message: 'HTTP 503' });
    assert.equal(await clock.runUntil(second), 'id-1');
    assert.equal(messenger.attempts.length, 6);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    assert.equal(retryAfterMs(httpError(429, '2'), now), 2_000);
    assert.equal(retryAfterMs(httpError(429, 'Tue, 01 Dec 2026 10:00:05 GMT'), now), 5_000);
    assert.equal(retryAfterMs(httpError(429), now), undefined);
  });
});
