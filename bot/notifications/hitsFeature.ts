/**
 * The hit-notification feature (SPEC §7): `/subscribe` and `/unsubscribe`, the hit sources, the poller with its
 * lease and checkpoints, the announcer with its rate-limited sender, and the Escalate / Mute card actions.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors';
import { escapeMarkdown } from '../cards/cardRenderer';
import type { Feature, FeatureDeps, StatusSection } from '../feature';
import type { TableStore } from '../storage/tableStore';
import { encodeKey } from '../storage/conversationStore';
import type { CardActionHandler } from '../teams/cardActionRouter';
import { SubscribeCommand } from '../teams/commands/subscribeCommand';
import { UnsubscribeCommand } from '../teams/commands/unsubscribeCommand';
import type { ActionResult } from '../teams/replies';
import { AlertsHitSource } from './alertsHitSource';
import { HitAnnouncer, type HitMute, type HitThread } from './hitAnnouncer';
import { HitLedger, type PendingHit } from './hitLedger';
import { HitPoller, type HitSourceStatus, type PollReport, type SourceCheckpoint } from './hitPoller';
import { HIT_SOURCE_LABELS, indicatorKey, type HitRecord } from './hitRecord';
import type { HitSource } from './hitSource';
import { HuntingHitSource } from './huntingHitSource';
import {
  defenderIndicatorProvider,
  IndicatorCorrelator,
  type IndicatorProvider,
} from './indicatorCorrelator';
import { RateLimitedSender, type SenderClock } from './rateLimitedSender';
import { StorageLease, type LeaseRecord } from './storageLease';
import { requestServices } from '../requests/requestServices';
import {
  SUBSCRIPTIONS_TABLE,
  SubscriptionStore,
  channelConversationId,
  type Subscription,
} from './subscriptionStore';

/** Card verbs of the hit card. */
export const HIT_CARD_VERBS = { escalate: 'hitEscalate', mute: 'hitMute' } as const;

/** Tables the feature opens. */
export const HIT_TABLES = {
  hits: 'hits',
  pending: 'hitsPending',
  checkpoints: 'hitCheckpoints',
  threads: 'hitThreads',
  mutes: 'hitMutes',
  lease: 'hitLease',
} as const;

/** How long Mute silences an indicator in a channel. */
export const MUTE_HOURS = 24;

/** Switches and tuning of the feature; every field has a default. */
export interface HitsFeatureOptions {
  /** Which sources poll (default both on). */
  readonly sources?: { readonly alerts?: boolean; readonly hunting?: boolean };
  /** KQL of the hunting source (default `DEFAULT_HIT_HUNTING_QUERY`). */
  readonly huntingQuery?: string;
  /** Per channel and indicator, hits within this window share one card (default 600 s). */
  readonly aggregationWindowSeconds?: number;
  /** Two sources' reports of one device and target within this window are one hit (default 120 s). */
  readonly matchWindowSeconds?: number;
  /** First poll's look-back (default 3600 s). */
  readonly initialLookbackSeconds?: number;
  /** This instance's lease owner id (default a random UUID). */
  readonly instanceId?: string;
  /** Lease lifetime (default 3 poll intervals, at least 30 s). */
  readonly leaseSeconds?: number;
  /** More indicator lists, e.g. the bot's own requests. */
  readonly indicatorProviders?: readonly IndicatorProvider[];
  /** Replace the source implementations (tests). */
  readonly sourceOverrides?: readonly HitSource[];
  readonly senderClock?: SenderClock;
  readonly senderRandom?: () => number;
}

/** The feature, with what tests and `/status` need. */
export interface HitsFeature extends Feature {
  readonly poller: HitPoller;
  readonly ledger: HitLedger;
  /** Runs one poll now. */
  pollOnce(): Promise<PollReport>;
  /** Per-source status for `/status` (last known on this instance). */
  hitSourceStatus(): HitSourceStatus[];
  /** Status lines for `/status`, reloaded from storage (another instance may be polling). */
  statusText(): Promise<string>;
}

const hitActionSchema = z.object({ hitId: z.string().min(1).max(512) });

const TYPE_WORD: Record<string, string> = { Url: 'url', DomainName: 'domain', IpAddress: 'ip' };

/**
 * Hit fields come from devices (a phone's name is its user's choice): inside the command they must stay one
 * quoted argument, so quotes, line breaks and option dashes are dropped.
 */
function quotable(text: string): string {
  return text
    .replace(/["\r\n\u2018-\u201f]/g, '')
    .replace(/(^|\s)--/g, '$1')
    .trim()
    .slice(0, 120);
}

/** A single value or group name from hit data: no spaces, quotes or leading dashes. */
function bareWord(text: string): string {
  return text.replace(/["'\s\u2018-\u201f]/g, '').replace(/^-+/, '');
}

/** The `/block` command that escalates a hit, prefilled from the hit and its indicator. */
export function escalationCommand(hit: HitRecord): string {
  const ind = hit.indicator;
  const type = ind ? TYPE_WORD[ind.type] : hit.remoteIp && hit.target === hit.remoteIp ? 'ip' : 'domain';
  const value = bareWord(ind?.value ?? hit.target);
  const groups = (ind ? [...ind.rbacGroupNames] : hit.deviceGroup ? [hit.deviceGroup] : []).map(quotable);
  const scope =
    ind && groups.length === 0 ? '--all-devices' : groups.length > 0 ? `--groups "${groups.join(',')}"` : '';
  const title = `--title "Escalated from ${hit.action ?? 'a'} hit on ${quotable(hit.deviceName ?? hit.deviceId)}"`;
  return ['/block', type, value, scope, title].filter((p) => p !== '').join(' ');
}

/** Builds the hit-notification feature. */
export function createHitsFeature(deps: FeatureDeps, options: HitsFeatureOptions = {}): HitsFeature {
  const table = <T>(name: string): TableStore<T> => deps.tables<T>(name);
  const subscriptions = new SubscriptionStore(table<Subscription>(SUBSCRIPTIONS_TABLE));
  const ledger = new HitLedger(table<HitRecord>(HIT_TABLES.hits), table<PendingHit>(HIT_TABLES.pending), {
    now: deps.now,
    ...(options.matchWindowSeconds !== undefined ? { matchWindowSeconds: options.matchWindowSeconds } : {}),
  });
  const mutes = table<HitMute>(HIT_TABLES.mutes);
  const sender = new RateLimitedSender(deps.messenger, {
    logger: deps.logger,
    ...(options.senderClock ? { clock: options.senderClock } : {}),
    ...(options.senderRandom ? { random: options.senderRandom } : {}),
  });
  const announcer = new HitAnnouncer({
    ledger,
    subscriptions,
    threads: table<HitThread>(HIT_TABLES.threads),
    mutes,
    sender,
    cards: deps.cards,
    now: deps.now,
    logger: deps.logger,
    ...(options.aggregationWindowSeconds !== undefined
      ? { windowSeconds: options.aggregationWindowSeconds }
      : {}),
  });
  const lookback = options.initialLookbackSeconds;
  const hunting = new HuntingHitSource(deps.graph, {
    ...(options.huntingQuery ? { query: options.huntingQuery } : {}),
    ...(lookback !== undefined ? { initialLookbackSeconds: lookback } : {}),
  });
  const alerts = new AlertsHitSource(
    deps.graph,
    lookback !== undefined ? { initialLookbackSeconds: lookback } : {},
  );
  const enabled = { alerts: options.sources?.alerts ?? true, hunting: options.sources?.hunting ?? true };
  const sources = (options.sourceOverrides ?? [alerts, hunting]).map((source) => ({
    source,
    enabled: enabled[source.name],
  }));
  const pollSeconds = deps.config.hits.pollSeconds;
  const poller = new HitPoller({
    sources,
    ledger,
    correlator: new IndicatorCorrelator({
      providers: [defenderIndicatorProvider(deps.defender), ...(options.indicatorProviders ?? [])],
      now: deps.now,
      cacheSeconds: Math.min(60, pollSeconds),
      logger: deps.logger,
    }),
    announcer,
    checkpoints: table<SourceCheckpoint>(HIT_TABLES.checkpoints),
    lease: new StorageLease(
      table<LeaseRecord>(HIT_TABLES.lease),
      'hitPoller',
      options.instanceId ?? randomUUID(),
      options.leaseSeconds ?? Math.max(30, pollSeconds * 3),
      deps.now,
    ),
    now: deps.now,
    pollSeconds,
    logger: deps.logger,
  });
  const commandDeps = {
    store: subscriptions,
    adminUserIds: deps.config.approval.adminUserIds,
    now: deps.now,
  };

  const loadHit = async (hitId: string): Promise<HitRecord> => {
    const hit = await ledger.get(hitId);
    if (!hit) throw new NotFoundError('This hit is no longer on record.');
    return hit;
  };

  const escalate: CardActionHandler<z.infer<typeof hitActionSchema>> = {
    verb: HIT_CARD_VERBS.escalate,
    schema: hitActionSchema,
    async handle(ctx): Promise<ActionResult> {
      const hit = await loadHit(ctx.data.hitId);
      const already =
        hit.indicator?.action === 'Block'
          ? ' It is already a Block indicator; this would widen or renew it.'
          : '';
      const open = requestServices(deps).openFromCommand;
      if (open) {
        await open(ctx.turn, ctx.actor, escalationCommand(hit));
        return {
          kind: 'message',
          text: `A Block request prefilled from this hit is open below: review it and submit it for approval.${already}`,
        };
      }
      return {
        kind: 'message',
        text: `To request a Block indicator for this hit, run:\n${escalationCommand(hit)}\n(the request goes through approval as usual).${already}`,
      };
    },
  };

  const mute: CardActionHandler<z.infer<typeof hitActionSchema>> = {
    verb: HIT_CARD_VERBS.mute,
    schema: hitActionSchema,
    async handle(ctx): Promise<ActionResult> {
      const hit = await loadHit(ctx.data.hitId);
      const conversationId = ctx.turn.activity.conversation?.id;
      if (!conversationId) throw new ValidationError('This card is not in a conversation the bot knows.');
      const channel = channelConversationId(conversationId);
      const key = indicatorKey(hit);
      const until = new Date(deps.now().getTime() + MUTE_HOURS * 3_600_000).toISOString();
      await mutes.upsert(encodeKey(channel), encodeKey(key), {
        indicatorKey: key,
        until,
        by: { aadObjectId: ctx.actor.aadObjectId, name: ctx.actor.name },
      });
      return {
        kind: 'message',
        text: `Muted hits on ${hit.indicator?.value ?? hit.target} in this channel until ${until.slice(0, 16).replace('T', ' ')} UTC (by ${ctx.actor.name || 'you'}).`,
      };
    },
  };

  const statusText = async (): Promise<string> => {
    const statuses = await poller.refreshStatus();
    const lines = statuses.map((s) => {
      const state = s.enabled ? 'on' : 'off';
      const last = s.lastPollAt ? `last poll ${s.lastPollAt}` : 'not polled yet';
      const lag = s.lagSeconds !== undefined ? `, lag ${s.lagSeconds} s` : '';
      const error = s.lastError ? `, last error: ${s.lastError}` : '';
      return `- ${HIT_SOURCE_LABELS[s.name]} (${state}): ${last}${lag}, ${s.lastCount} hits last poll, ${s.totalCount} in total${error}`;
    });
    return [
      'Hit sources:',
      ...lines,
      'Mobile: current Microsoft docs say custom-indicator hits on iOS/Android raise no alerts, so Graph alerts_v2 is expected to stay silent for mobile; advanced hunting is the source that sees them.',
      `Hunting query:\n${hunting.query}`,
    ].join('\n');
  };

  return {
    name: 'hits',
    commands: [new SubscribeCommand(commandDeps), new UnsubscribeCommand(commandDeps)],
    cardActions: [escalate, mute],
    health: sources
      .filter((s) => s.enabled)
      .map(({ source }) => ({
        name: `hits.${source.name}`,
        check: (): Promise<string | void> => {
          const s = poller.status().find((x) => x.name === source.name);
          if (s?.lastError) return Promise.reject(new Error(s.lastError));
          return Promise.resolve(s?.lastPollAt ? `last poll ${s.lastPollAt}` : 'not polled yet');
        },
      })),
    poller,
    ledger,
    pollOnce: () => poller.pollOnce(),
    hitSourceStatus: () => poller.status(),
    statusText,
    status: async (): Promise<StatusSection> => {
      const statuses = await poller.refreshStatus();
      return {
        title: 'Hit notifications',
        ok: statuses.every((st) => !st.enabled || !st.lastError),
        facts: [
          ...statuses.map((st) => ({
            title: HIT_SOURCE_LABELS[st.name],
            value: !st.enabled
              ? 'off'
              : `${st.lastPollAt ? `last poll ${st.lastPollAt}` : 'not polled yet'}${st.lagSeconds !== undefined ? `, lag ${st.lagSeconds} s` : ''}, ${st.lastCount} last poll, ${st.totalCount} total${st.lastError ? `, error: ${st.lastError}` : ''}`,
          })),
          {
            title: 'Mobile',
            value:
              'Current Microsoft docs: no alerts for custom-indicator hits on iOS/Android (alerts_v2 stays silent); advanced hunting sees them.',
          },
          { title: 'Hunting query', value: escapeMarkdown(hunting.query) },
        ],
      };
    },
    start: () => {
      poller.start();
      return Promise.resolve();
    },
    stop: () => poller.stop(),
  };
}
