/**
 * Posts recorded hits to the subscribed channels. Per channel and indicator, the first hit of a window posts a
 * card in a new thread; later hits in the window update that card's counters and get one summary reply in its
 * thread per poll — so a burst is a handful of messages, not a storm. Mutes (per channel and indicator) and the
 * subscription's filters are applied here.
 */
import type { ConversationReference } from 'botbuilder';
import type { CardRenderer } from '../cards/cardRenderer';
import { escapeMarkdown } from '../cards/cardRenderer';
import type { ProactiveMessenger } from '../feature';
import type { Logger } from '../logging';
import { encodeKey } from '../storage/conversationStore';
import type { TableStore } from '../storage/tableStore';
import { DEFAULT_HIT_ACTIONS, DEFAULT_HIT_PLATFORMS } from '../teams/commands/subscribeCommand';
import type { HitLedger } from './hitLedger';
import { HIT_SOURCE_LABELS, indicatorKey, type HitRecord } from './hitRecord';
import { statusOf } from './rateLimitedSender';
import type { Subscription, SubscriptionStore } from './subscriptionStore';

/** A channel's open thread for one indicator. */
export interface HitThread {
  readonly indicatorKey: string;
  readonly activityId: string;
  /** The thread's conversation id: `<channel>;messageid=<root>`. */
  readonly threadConversationId: string;
  readonly windowStart: string;
  readonly first: HitRecord;
  readonly count: number;
  readonly devices: readonly string[];
  readonly lastHitAt: string;
  /** Recent hit ids already counted (bounded), so a repeated announcement counts nothing twice. */
  readonly hitIds: readonly string[];
}

/** A mute of one indicator in one channel. */
export interface HitMute {
  readonly indicatorKey: string;
  readonly until: string;
  readonly by: { readonly aadObjectId: string; readonly name: string };
}

/** Settings of {@link HitAnnouncer}. */
export interface HitAnnouncerDeps {
  readonly ledger: HitLedger;
  readonly subscriptions: SubscriptionStore;
  readonly threads: TableStore<HitThread>;
  readonly mutes: TableStore<HitMute>;
  readonly sender: ProactiveMessenger;
  readonly cards: CardRenderer;
  readonly now: () => Date;
  /** Aggregation window per channel and indicator (default 600 s). */
  readonly windowSeconds?: number;
  readonly logger?: Logger;
}

const MAX_REMEMBERED_IDS = 500;
const PORTAL = 'https://security.microsoft.com';

/** Whether a subscription wants a hit. */
export function subscriptionWants(sub: Subscription, hit: HitRecord): boolean {
  const actions: readonly string[] = sub.filters?.actions?.length ? sub.filters.actions : DEFAULT_HIT_ACTIONS;
  const platforms: readonly string[] = sub.filters?.platforms?.length
    ? sub.filters.platforms
    : DEFAULT_HIT_PLATFORMS;
  if (!hit.action || !actions.includes(hit.action)) return false;
  if (!hit.platform || !platforms.includes(hit.platform)) return false;
  const groups = sub.filters?.groups;
  if (groups?.length) {
    const group = hit.deviceGroup?.toLowerCase();
    if (!group || !groups.some((g) => g.toLowerCase() === group)) return false;
  }
  return true;
}

function time(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

/** The portal link of a hit: its alert, else the device page. */
export function portalUrlOf(hit: HitRecord): string {
  return hit.portalUrl ?? `${PORTAL}/machines/${encodeURIComponent(hit.deviceId)}`;
}

/** The data of `cards/hitNotification.json` for a thread. */
export function hitCardData(
  thread: Pick<HitThread, 'first' | 'count' | 'devices' | 'lastHitAt' | 'windowStart'>,
): object {
  const hit = thread.first;
  const indicator = hit.indicator;
  const what = indicator ? indicator.value : hit.target;
  const platform = hit.platform ?? hit.osPlatform ?? 'unknown platform';
  const facts = [
    {
      title: 'Indicator',
      value: escapeMarkdown(indicator ? `${indicator.value} (${indicator.type})` : hit.target),
    },
    ...(indicator?.title ? [{ title: 'Title', value: escapeMarkdown(indicator.title) }] : []),
    { title: 'Action', value: hit.action ?? 'unknown' },
    { title: 'Device', value: escapeMarkdown(hit.deviceName ?? hit.deviceId) },
    { title: 'Platform', value: escapeMarkdown(hit.osPlatform ?? platform) },
    ...(hit.deviceGroup ? [{ title: 'Device group', value: escapeMarkdown(hit.deviceGroup) }] : []),
    { title: 'User', value: escapeMarkdown(hit.user ?? 'unknown') },
    { title: 'When', value: time(hit.timestamp) },
    ...(hit.url ? [{ title: 'URL', value: escapeMarkdown(hit.url) }] : []),
    ...(hit.remoteIp ? [{ title: 'Remote IP', value: escapeMarkdown(hit.remoteIp) }] : []),
    { title: 'Source', value: hit.sources.map((s) => HIT_SOURCE_LABELS[s]).join(' + ') },
  ];
  const countText =
    thread.count <= 1
      ? '1 hit'
      : `${thread.count} hits on ${thread.devices.length} device${thread.devices.length === 1 ? '' : 's'} since ${time(thread.windowStart)} (last ${time(thread.lastHitAt)})`;
  return {
    heading: `${hit.action ?? 'Indicator'} hit on ${platform}: ${escapeMarkdown(what)}`,
    headingColor: hit.action === 'Block' ? 'Attention' : 'Warning',
    unknownNote: indicator
      ? ''
      : 'No indicator the bot knows covers this (not in Defender’s list, not one of the bot’s requests).',
    facts,
    countText,
    footer: 'Later hits on this indicator in this channel update this card and are listed in its thread.',
    hitId: hit.id,
    portalUrl: portalUrlOf(hit),
  };
}

/** Drains the ledger's pending hits into the subscribed channels. */
export class HitAnnouncer {
  constructor(private readonly deps: HitAnnouncerDeps) {}

  private get windowMs(): number {
    return (this.deps.windowSeconds ?? 600) * 1000;
  }

  /** Whether an indicator is muted in a channel now. */
  async isMuted(conversationId: string, key: string): Promise<boolean> {
    const mute = await this.deps.mutes.get(encodeKey(conversationId), encodeKey(key));
    return !!mute && Date.parse(mute.data.until) > this.deps.now().getTime();
  }

  /** Announces every pending hit; returns how many messages went out. */
  async announcePending(): Promise<{ hits: number; posted: number; updated: number; replies: number }> {
    const pending = await this.deps.ledger.pending();
    const result = { hits: pending.length, posted: 0, updated: 0, replies: 0 };
    if (pending.length === 0) return result;
    const subs = await this.deps.subscriptions.list('hits');
    const failed = new Set<string>();
    // Channels are announced in parallel (the sender queues and paces each conversation on its own); within a
    // channel, indicators go one after another so a thread's card and its replies stay in order.
    const announceTo = async (sub: Subscription): Promise<void> => {
      const groups = new Map<string, HitRecord[]>();
      for (const hit of pending) {
        if (!subscriptionWants(sub, hit)) continue;
        const key = indicatorKey(hit);
        groups.set(key, [...(groups.get(key) ?? []), hit]);
      }
      for (const [key, hits] of groups) {
        if (await this.isMuted(sub.conversationId, key)) continue;
        try {
          const sent = await this.announceGroup(sub, key, hits);
          result.posted += sent.posted;
          result.updated += sent.updated;
          result.replies += sent.replies;
        } catch (error) {
          const status = statusOf(error);
          this.deps.logger?.warn(
            { err: error, status, conversationId: sub.conversationId },
            'hit announcement failed',
          );
          // A channel that blocks the bot (403) or is gone (404) will not recover by retrying.
          if (status !== 403 && status !== 404) hits.forEach((h) => failed.add(h.id));
        }
      }
    };
    await Promise.all(subs.map(announceTo));
    for (const hit of pending) if (!failed.has(hit.id)) await this.deps.ledger.markAnnounced(hit.id);
    return result;
  }

  private async announceGroup(
    sub: Subscription,
    key: string,
    hits: readonly HitRecord[],
  ): Promise<{ posted: number; updated: number; replies: number }> {
    const pk = encodeKey(sub.conversationId);
    const rk = encodeKey(key);
    const out = { posted: 0, updated: 0, replies: 0 };
    const stored = await this.deps.threads.get(pk, rk);
    let thread = stored?.data;
    const fresh = hits.filter((h) => !thread?.hitIds.includes(h.id));
    let i = 0;
    // Hits inside the open thread's window: one card update and one summary reply.
    if (thread) {
      const start = Date.parse(thread.windowStart);
      const inWindow: HitRecord[] = [];
      while (i < fresh.length && Date.parse(fresh[i]?.timestamp ?? '') < start + this.windowMs)
        inWindow.push(fresh[i++]);
      if (inWindow.length > 0) {
        thread = absorb(thread, inWindow);
        await this.deps.sender.update(this.threadReference(sub, thread), thread.activityId, {
          type: 'message',
          attachments: [this.deps.cards.attachment('hitNotification', hitCardData(thread))],
        });
        out.updated++;
        await this.deps.sender.send(this.threadReference(sub, thread), {
          type: 'message',
          text: replyText(inWindow),
        });
        out.replies++;
        await this.deps.threads.upsert(pk, rk, thread);
      }
    }
    // The rest open new threads, one card per window.
    while (i < fresh.length) {
      const first = fresh[i++];
      const start = Date.parse(first.timestamp);
      const more: HitRecord[] = [];
      while (i < fresh.length && Date.parse(fresh[i]?.timestamp ?? '') < start + this.windowMs)
        more.push(fresh[i++]);
      const draft = absorb(
        {
          indicatorKey: key,
          activityId: '',
          threadConversationId: '',
          windowStart: first.timestamp,
          first,
          count: 1,
          devices: [first.deviceName ?? first.deviceId],
          lastHitAt: first.timestamp,
          hitIds: [first.id],
        },
        more,
      );
      const activityId = await this.deps.sender.send(sub.reference, {
        type: 'message',
        attachments: [this.deps.cards.attachment('hitNotification', hitCardData(draft))],
      });
      out.posted++;
      thread = {
        ...draft,
        activityId,
        threadConversationId: `${sub.conversationId};messageid=${activityId}`,
      };
      await this.deps.threads.upsert(pk, rk, thread);
    }
    return out;
  }

  private threadReference(sub: Subscription, thread: HitThread): Partial<ConversationReference> {
    const conversation = {
      ...(sub.reference.conversation ?? { isGroup: true, conversationType: 'channel', name: '' }),
    };
    return { ...sub.reference, conversation: { ...conversation, id: thread.threadConversationId } };
  }
}

function absorb(thread: HitThread, hits: readonly HitRecord[]): HitThread {
  if (hits.length === 0) return thread;
  const devices = new Set(thread.devices);
  for (const h of hits) devices.add(h.deviceName ?? h.deviceId);
  const last = hits.reduce((m, h) => (h.timestamp > m ? h.timestamp : m), thread.lastHitAt);
  return {
    ...thread,
    count: thread.count + hits.length,
    devices: [...devices],
    lastHitAt: last,
    hitIds: [...thread.hitIds, ...hits.map((h) => h.id)].slice(-MAX_REMEMBERED_IDS),
  };
}

function replyText(hits: readonly HitRecord[]): string {
  const lines = hits
    .slice(0, 10)
    .map(
      (h) =>
        `- ${escapeMarkdown(h.deviceName ?? h.deviceId)} (${h.platform ?? h.osPlatform ?? '?'}), ${escapeMarkdown(h.user ?? 'unknown user')}, ${time(h.timestamp)}`,
    );
  const more = hits.length > 10 ? `\n…and ${hits.length - 10} more.` : '';
  return `${hits.length} more hit${hits.length === 1 ? '' : 's'}:\n${lines.join('\n')}${more}`;
}
