/**
 * The whole bot built with in-memory fakes (tables, Defender, Graph): no network, no simulator. For contract
 * tests that need the registered routes and for TestAdapter conversations.
 */
import { ConversationState, MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import { buildApp, type App } from '../../bot/app';
import { loadConfig, type Config } from '../../bot/config';
import { silentLogger, type Logger } from '../../bot/logging';
import { ConversationStore, type ConversationRecord } from '../../bot/storage/conversationStore';
import type { TableStore } from '../../bot/storage/tableStore';
import { FakeGraphClient } from '../approvals/fakeGraphClient';
import { FakeDefenderClient } from '../defender/fakeDefenderClient';
import { FakeTableStore } from '../support/fakeTableStore';

export interface FakeAppOptions {
  readonly config?: Config;
  readonly graph?: FakeGraphClient;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

export interface FakeApp {
  readonly app: App;
  readonly config: Config;
  readonly graph: FakeGraphClient;
  /** A TestAdapter (channel `msteams`) that runs the app's bot. */
  readonly adapter: TestAdapter;
}

/** Builds the app with fakes; the config defaults to local mode with nothing set. */
export function fakeApp(options: FakeAppOptions = {}): FakeApp {
  const config = options.config ?? loadConfig({});
  const graph = options.graph ?? new FakeGraphClient();
  const now = options.now ?? (() => new Date('2026-12-01T10:00:00Z'));
  const tables = new Map<string, TableStore<unknown>>();
  const app = buildApp({
    config,
    logger: options.logger ?? silentLogger(),
    conversations: new ConversationStore(new FakeTableStore<ConversationRecord>()),
    conversationState: new ConversationState(new MemoryStorage()),
    tables: <T>(name: string): TableStore<T> => {
      if (!tables.has(name)) tables.set(name, new FakeTableStore<unknown>());
      return tables.get(name) as TableStore<T>;
    },
    defender: new FakeDefenderClient([], now),
    graph,
    now,
  });
  const adapter = new TestAdapter((context) => app.bot.run(context));
  return { app, config, graph, adapter };
}

/** The adaptive card content of a reply, if it carries one. */
export function cardOf(activity: Partial<Activity>): Record<string, unknown> | undefined {
  const attachment = activity.attachments?.[0];
  return attachment?.contentType === 'application/vnd.microsoft.card.adaptive'
    ? (attachment.content as Record<string, unknown>)
    : undefined;
}

/** The facts of every FactSet of a card, by title. */
export function factsOf(card: unknown): Record<string, string> {
  const facts: Record<string, string> = {};
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'FactSet' && Array.isArray(o.facts)) {
        for (const f of o.facts as Array<{ title: string; value: string }>) facts[f.title] = f.value;
      }
      Object.values(o).forEach(visit);
    }
  };
  visit(card);
  return facts;
}
