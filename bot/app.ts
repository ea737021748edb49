/**
 * Wires the bot from its parts. The composition root (`index.ts`) and the tests both call {@link buildApp}; only
 * they decide which implementations (Azure Tables or a fake, the simulator or Microsoft) go in.
 */
import type { CloudAdapter, ConversationState } from 'botbuilder';
import { CardRenderer } from './cards/cardRenderer';
import type { Config } from './config';
import type { Logger } from './logging';
import type { HealthCheck } from './server';
import type { ConversationStore } from './storage/conversationStore';
import { createAdapter } from './teams/adapter';
import { CardActionRouter } from './teams/cardActionRouter';
import { CommandRouter } from './teams/commandRouter';
import { HelpCommand, type HelpEntry } from './teams/commands/helpCommand';
import { IocBot } from './teams/iocBot';
import { COMMAND_HELP } from './teams/commandCatalog';

/** What the bot is built from. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly conversations: ConversationStore;
  readonly conversationState: ConversationState;
  readonly cards?: CardRenderer;
  readonly now?: () => Date;
}

/** The built bot. */
export interface App {
  readonly adapter: CloudAdapter;
  readonly bot: IocBot;
  readonly commands: CommandRouter;
  readonly cardActions: CardActionRouter;
  readonly health: readonly HealthCheck[];
}

/** Builds the adapter, routers and bot. */
export function buildApp(deps: AppDeps): App {
  const cards = deps.cards ?? new CardRenderer();
  const entries: readonly HelpEntry[] = COMMAND_HELP;
  const help = new HelpCommand(cards, entries);
  const commands = new CommandRouter([help], help.fallback);
  const cardActions = new CardActionRouter([]);
  const bot = new IocBot({
    commands,
    cardActions,
    conversations: deps.conversations,
    conversationState: deps.conversationState,
    logger: deps.logger,
    now: deps.now,
  });
  return { adapter: createAdapter(deps.config.bot, deps.logger), bot, commands, cardActions, health: [] };
}
