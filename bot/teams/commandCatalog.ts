/**
 * The commands of SPEC §3 as /help lists them.
 */
import type { HelpEntry } from './commands/helpCommand';

export const COMMAND_HELP: readonly HelpEntry[] = [
  { usage: '/block [type] <value…> [options]', description: 'Request a Block indicator for one or more values.' },
  { usage: '/audit, /warn, /allow …', description: 'The same, with that action.' },
  { usage: '/new', description: 'Open the empty indicator form.' },
  { usage: '/list [filter]', description: 'Indicators in Defender, paged.' },
  { usage: '/show <value or id>', description: 'One indicator with its request history and hits.' },
  { usage: '/remove <value or id>', description: 'Request deletion (goes through approval).' },
  { usage: '/expiring [days]', description: 'Indicators that expire soon, with Extend buttons.' },
  { usage: '/pending', description: 'Open requests.' },
  { usage: '/import', description: 'Then attach a CSV in the portal template format (personal chat).' },
  { usage: '/export', description: 'CSV of indicators in the same format.' },
  { usage: '/subscribe approvals|hits [filters]', description: 'Connect this channel (admins only).' },
  { usage: '/unsubscribe approvals|hits', description: 'Disconnect this channel (admins only).' },
  { usage: '/status', description: 'Health of Defender, Graph, storage and the hit pollers.' },
  { usage: '/whoami', description: 'Your roles.' },
  { usage: '/help', description: 'This list.' },
];
