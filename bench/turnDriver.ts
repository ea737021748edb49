/**
 * The driver of the turn-overhead benchmark: posts Teams-shaped messages to a bot's `/api/messages` from N
 * concurrent conversations, each waiting for its reply at a local connector stub before it sends the next, and
 * measures the time from the POST to the reply's arrival at the stub.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { teamsMessage, type Scope } from '../test/support/teamsActivities';

/** One activity the bot sent to the connector. */
export interface ReceivedActivity {
  readonly conversationId: string;
  /** `performance.now()` at arrival. */
  readonly at: number;
  readonly body: Record<string, unknown>;
}

/**
 * A connector stub that answers like the Bot Connector and resolves the waiter of the message each reply
 * answers (`replyToId`).
 */
export class ReplyCollector {
  readonly received: ReceivedActivity[] = [];
  /** Keep the bodies of received activities (off for the big runs, to keep the driver's memory flat). */
  keepBodies = false;
  private server?: Server;
  private readonly waiters = new Map<string, (at: number) => void>();
  private listeners: Array<(a: ReceivedActivity) => void> = [];
  private nextId = 1;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void readJson(req).then((body) => {
        const at = performance.now();
        const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
        if (req.method === 'POST' && match) {
          const activity: ReceivedActivity = {
            conversationId: decodeURIComponent(match[1] ?? ''),
            at,
            body: this.keepBodies ? body : {},
          };
          this.received.push(activity);
          this.listeners.forEach((l) => l(activity));
          const replyTo = typeof body.replyToId === 'string' ? body.replyToId : undefined;
          const waiter = replyTo === undefined ? undefined : this.waiters.get(replyTo);
          if (replyTo !== undefined && waiter) {
            this.waiters.delete(replyTo);
            waiter(at);
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `stub-${this.nextId++}` }));
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Calls `listener` for every activity received from now on. */
  onActivity(listener: (a: ReceivedActivity) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves with the arrival time of the first reply to `activityId`, or rejects after `timeoutMs`. */
  expectReply(activityId: string, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(activityId);
        reject(new Error(`no reply to ${activityId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(activityId, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  clear(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** What one drive sends. */
export interface DriveOptions {
  readonly conversations: number;
  readonly messagesPerConversation: number;
  /** Texts sent in turn by each conversation. */
  readonly texts: readonly string[];
  /** Each reply must arrive within this long. */
  readonly replyTimeoutMs?: number;
  /** Conversations stop sending after this long (the drive stays bounded in time). */
  readonly deadlineMs?: number;
  /** Prefix of the conversation ids, so drives of different bots or rounds do not share conversations. */
  readonly conversationPrefix?: string;
}

/** What one drive measured. */
export interface DriveResult {
  readonly latenciesMs: number[];
  /** The same latencies by the text sent. */
  readonly latenciesByText: Record<string, number[]>;
  readonly wallMs: number;
  readonly sent: number;
  readonly answered: number;
  readonly failures: number;
  /** Answered messages per second over the drive. */
  readonly throughput: number;
  readonly firstFailure?: string;
}

const SCOPES: readonly Scope[] = ['personal', 'groupChat', 'channel'];

/** A Teams message of conversation `c` (its scope rotates over personal, group chat and channel). */
export function benchMessage(
  text: string,
  c: number,
  prefix: string,
  serviceUrl: string,
): Record<string, unknown> {
  const scope = SCOPES[c % SCOPES.length] ?? 'personal';
  const message = teamsMessage(text, { scope, serviceUrl });
  const conversation = message.conversation as Record<string, unknown>;
  const id =
    scope === 'personal'
      ? `a:${prefix}-personal-${c}`
      : scope === 'groupChat'
        ? `19:${prefix}-group-${c}@thread.v2`
        : `19:${prefix}-channel-${c}@thread.tacv2`;
  const channelData = message.channelData as Record<string, unknown>;
  return {
    ...message,
    conversation: { ...conversation, id },
    channelData: scope === 'channel' ? { ...channelData, channel: { id, name: `SOC ${c}` } } : channelData,
  };
}

/** Drives `botUrl` with {@link DriveOptions}; replies are awaited at `collector`. */
export async function driveTurns(
  botUrl: string,
  collector: ReplyCollector,
  options: DriveOptions,
): Promise<DriveResult> {
  const replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
  const prefix = options.conversationPrefix ?? 'bench';
  const start = performance.now();
  const stopAt = start + (options.deadlineMs ?? 60_000);
  const latenciesMs: number[] = [];
  const latenciesByText: Record<string, number[]> = {};
  let sent = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const conversation = async (c: number): Promise<void> => {
    for (let m = 0; m < options.messagesPerConversation && performance.now() < stopAt; m++) {
      const text = options.texts[(c + m) % options.texts.length] ?? '/help';
      const activity = benchMessage(text, c, prefix, collector.url);
      const reply = collector.expectReply(String(activity.id), replyTimeoutMs);
      // Handled here so a timeout during a slow POST is not an unhandled rejection; awaited below.
      reply.catch(() => undefined);
      const t0 = performance.now();
      sent += 1;
      try {
        const res = await fetch(`${botUrl}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity),
        });
        await res.text();
        if (res.status !== 200) throw new Error(`the bot answered ${res.status}`);
        const latency = (await reply) - t0;
        latenciesMs.push(latency);
        (latenciesByText[text] ??= []).push(latency);
      } catch (e) {
        failures += 1;
        firstFailure ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: options.conversations }, (_, c) => conversation(c)));
  const wallMs = performance.now() - start;
  return {
    latenciesMs,
    latenciesByText,
    wallMs,
    sent,
    answered: latenciesMs.length,
    failures,
    throughput: (latenciesMs.length / wallMs) * 1000,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
