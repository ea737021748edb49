/**
 * Wires the bot from its parts. The composition root (`index.ts`) and the tests both call {@link buildApp}; only
 * they decide which implementations (Azure Tables or a fake, the simulator or Microsoft) go in.
 */
import type { TokenCredential } from '@azure/identity';
import type { CloudAdapter, ConversationState } from 'botbuilder';
import { CardRenderer } from './cards/cardRenderer';
import { COMMAND_NAMES, COMMAND_USAGE } from './commands/commandParser';
import type { Config } from './config';
import type { DefenderClient } from './defender/defenderClient';
import type { Feature, FeatureDeps, TableFactory } from './feature';
import type { GraphClient } from './graph/graphClient';
import type { Logger } from './logging';
import type { HealthCheck } from './server';
import type { ConversationStore } from './storage/conversationStore';
import { createAdapter } from './teams/adapter';
import { CardActionRouter } from './teams/cardActionRouter';
import { CommandRouter } from './teams/commandRouter';
import { HelpCommand, type HelpEntry } from './teams/commands/helpCommand';
import { IocBot } from './teams/iocBot';
import { AdapterMessenger } from './teams/proactiveMessenger';
import { whoamiFeature } from './teams/whoamiFeature';
import { createHitsFeature } from './notifications/hitsFeature';
import { createIndicatorRequestsFeature } from './requests/indicatorRequestsFeature';
import { createStatusFeature } from './status/statusFeature';
import { createApprovalsFeature } from './approvals/approvalsFeature';
import { createIndicatorViewsFeature } from './requests/listing/indicatorViewsFeature';

/** What the bot is built from. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly conversations: ConversationStore;
  readonly conversationState: ConversationState;
  readonly tables: TableFactory;
  readonly defender: DefenderClient;
  readonly graph: GraphClient;
  readonly credential?: TokenCredential;
  /** Health checks of what the app was built on (storage, tokens), also shown by `/status`. */
  readonly baseHealth?: readonly HealthCheck[];
  readonly cards?: CardRenderer;
  readonly now?: () => Date;
}

/** The built bot. */
export interface App {
  readonly adapter: CloudAdapter;
  readonly bot: IocBot;
  readonly commands: CommandRouter;
  readonly cardActions: CardActionRouter;
  readonly features: readonly Feature[];
  /** What the features were built from (tests reach shared services through it). */
  readonly featureDeps: FeatureDeps;
  readonly health: readonly HealthCheck[];
  /** Starts the features' background work. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The features of the bot, in the order their commands are routed. */
const FEATURES: ReadonlyArray<(deps: FeatureDeps) => Feature> = [
  createIndicatorRequestsFeature,
  createApprovalsFeature,
  createIndicatorViewsFeature,
  whoamiFeature,
  (deps) =>
    createHitsFeature(deps, {
      sources: deps.config.hits.sources,
      aggregationWindowSeconds: deps.config.hits.aggregationWindowSeconds,
      ...(deps.config.hits.huntingQuery ? { huntingQuery: deps.config.hits.huntingQuery } : {}),
    }),
];

/** The help card's lines: every command of the grammar. */
export function helpEntries(): HelpEntry[] {
  return COMMAND_NAMES.map((name) => COMMAND_USAGE[name]);
}

/** Builds the adapter, routers, features and bot. */
export function buildApp(deps: AppDeps): App {
  const cards = deps.cards ?? new CardRenderer();
  const now = deps.now ?? (() => new Date());
  const adapter = createAdapter(deps.config.bot, deps.logger, {
    allowedTenantIds: deps.config.allowedTenantIds,
  });
  const featureDeps: FeatureDeps = {
    config: deps.config,
    logger: deps.logger,
    now,
    cards,
    tables: deps.tables,
    conversations: deps.conversations,
    defender: deps.defender,
    graph: deps.graph,
    messenger: new AdapterMessenger(adapter, deps.config.bot.MicrosoftAppId),
    adapter,
    ...(deps.credential ? { credential: deps.credential } : {}),
  };
  const built = FEATURES.map((make) => make(featureDeps));
  const features = [...built, createStatusFeature(featureDeps, built, deps.baseHealth ?? [])];
  const help = new HelpCommand(cards, helpEntries());
  const commands = new CommandRouter([help, ...features.flatMap((f) => f.commands ?? [])], help.fallback);
  const cardActions = new CardActionRouter(features.flatMap((f) => f.cardActions ?? []));
  const bot = new IocBot({
    commands,
    cardActions,
    conversations: deps.conversations,
    conversationState: deps.conversationState,
    logger: deps.logger,
    now,
  });
  return {
    adapter,
    bot,
    commands,
    cardActions,
    features,
    featureDeps,
    health: features.flatMap((f) => f.health ?? []),
    start: async () => {
      for (const f of features) await f.start?.();
    },
    stop: async () => {
      for (const f of [...features].reverse()) await f.stop?.();
    },
  };
}
