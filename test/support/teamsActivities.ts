/**
 * Teams-shaped activities for tests, in the three scopes the bot serves.
 */
import { randomUUID } from 'node:crypto';
import { LOCAL_TENANT_ID, LOCAL_USER_ID } from '../../bot/config';

export type Scope = 'personal' | 'groupChat' | 'channel';

export const BOT = { id: '28:bot-app-id', name: 'IoC Bot' } as const;
export const ALEX = { id: '29:alex', name: 'Alex Wilber', aadObjectId: LOCAL_USER_ID } as const;

const CONVERSATIONS: Record<Scope, { id: string; conversationType: string; isGroup?: boolean }> = {
  personal: { id: 'a:personal-chat-1', conversationType: 'personal' },
  groupChat: { id: '19:group-chat-1@thread.v2', conversationType: 'groupChat', isGroup: true },
  channel: { id: '19:soc-channel@thread.tacv2', conversationType: 'channel', isGroup: true },
};

/** A message as Teams would post it; in group chats and channels the text starts with the bot's mention. */
export function teamsMessage(
  text: string,
  options: {
    scope?: Scope;
    serviceUrl?: string;
    from?: { id: string; name: string; aadObjectId: string };
    tenantId?: string;
  } = {},
): Record<string, unknown> {
  const scope = options.scope ?? 'personal';
  const tenantId = options.tenantId ?? LOCAL_TENANT_ID;
  const mention = `<at>${BOT.name}</at>`;
  const mentioned = scope !== 'personal';
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl ?? 'https://smba.trafficmanager.net/amer/',
    from: options.from ?? ALEX,
    recipient: BOT,
    conversation: { ...CONVERSATIONS[scope], tenantId },
    text: mentioned ? `${mention} ${text}` : text,
    textFormat: 'plain',
    entities: mentioned ? [{ type: 'mention', text: mention, mentioned: BOT }] : [],
    channelData: {
      tenant: { id: tenantId },
      ...(scope === 'channel'
        ? { team: { id: '19:team-1@thread.tacv2' }, channel: { id: CONVERSATIONS.channel.id, name: 'SOC' } }
        : {}),
    },
  };
}

/** An `adaptiveCard/action` invoke as Teams sends it for an `Action.Execute` click. */
export function cardActionInvoke(
  verb: string,
  data: Record<string, unknown>,
  options: {
    scope?: Scope;
    serviceUrl?: string;
    from?: { id: string; name: string; aadObjectId: string };
  } = {},
): Record<string, unknown> {
  const base = teamsMessage('', options);
  return {
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    text: undefined,
    entities: [],
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}
