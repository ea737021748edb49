/**
 * A feature of the bot (indicator requests, approvals, hit notifications, …): the commands and card actions it
 * adds, the health checks it reports, and background work it runs. Features get their dependencies from
 * {@link FeatureDeps}; only `app.ts` lists them.
 */
import type { TokenCredential } from '@azure/identity';
import type { ConversationReference, CloudAdapter, Activity } from 'botbuilder';
import type { CardRenderer } from './cards/cardRenderer';
import type { Config } from './config';
import type { DefenderClient } from './defender/defenderClient';
import type { GraphClient } from './graph/graphClient';
import type { Logger } from './logging';
import type { HealthCheck } from './server';
import type { ConversationStore } from './storage/conversationStore';
import type { TableStore } from './storage/tableStore';
import type { CardActionHandler } from './teams/cardActionRouter';
import type { CommandHandler } from './teams/commandRouter';

/** Opens (creating on first use) a durable table of records of one kind. */
export type TableFactory = <T>(tableName: string) => TableStore<T>;

/**
 * Proactive messaging: post into a stored conversation outside of a turn (approval cards, decision notices,
 * hit cards), and update a message already posted.
 */
export interface ProactiveMessenger {
  /** Posts an activity; returns the new message's id. */
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string>;
  /** Replaces a posted message (a card) for everyone. */
  update(
    reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void>;
}

/** What every feature may use. */
export interface FeatureDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly cards: CardRenderer;
  readonly tables: TableFactory;
  readonly conversations: ConversationStore;
  readonly defender: DefenderClient;
  readonly graph: GraphClient;
  readonly messenger: ProactiveMessenger;
  readonly adapter: CloudAdapter;
  /** The app's credential for Defender and Graph (to read its token's roles in `/status`). */
  readonly credential?: TokenCredential;
}

/** One section of `/status`. */
export interface StatusSection {
  readonly title: string;
  readonly facts: ReadonlyArray<{ readonly title: string; readonly value: string }>;
  /** False when something in the section needs attention. */
  readonly ok: boolean;
}

/** What a feature contributes. */
export interface Feature {
  readonly name: string;
  readonly commands?: readonly CommandHandler[];
  readonly cardActions?: readonly CardActionHandler[];
  readonly health?: readonly HealthCheck[];
  /** Background work (pollers, reconciliation); called once the server listens. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** Its section of `/status`. */
  status?(): Promise<StatusSection>;
}
