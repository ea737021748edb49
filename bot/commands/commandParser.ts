/**
 * The chat command grammar (SPEC §3): a pure parser from message text (after the @mention is removed) to a
 * discriminated union. The leading `/` is optional, keywords are case-insensitive and matched as whole words.
 */
import { CommandParseError } from '../errors';
import { parseExpiry, isExpirySyntax } from '../indicators/expiry';
import { cleanTeamsText, splitCleanText } from '../indicators/refang';
import type { ApiAction, IndicatorType, ProductAction, Scope, Severity } from '../indicators/types';

/** Every command keyword. */
export const COMMAND_NAMES = [
  'block',
  'audit',
  'warn',
  'allow',
  'new',
  'list',
  'show',
  'remove',
  'expiring',
  'pending',
  'import',
  'export',
  'subscribe',
  'unsubscribe',
  'status',
  'whoami',
  'help',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Usage line and one-sentence description of each command, for /help and the Teams manifest. */
export const COMMAND_USAGE: Record<CommandName, { usage: string; description: string }> = {
  block: {
    usage:
      '/block [type] <value…> [--expires 30d|12h|2026-12-31|never] [--groups "A,B" | --all-devices] [--severity informational|low|medium|high] [--title "…"] [--desc "…"] [--no-alert]',
    description: 'Request a Block indicator for one or more values.',
  },
  audit: {
    usage:
      '/audit [type] <value…> [--expires …] [--groups "A,B" | --all-devices] [--severity …] [--title "…"] [--desc "…"]',
    description: 'Request an Audit indicator (always raises an alert) for one or more values.',
  },
  warn: {
    usage:
      '/warn [type] <value…> [--expires …] [--groups "A,B" | --all-devices] [--severity …] [--title "…"] [--desc "…"] [--no-alert]',
    description: 'Request a Warn indicator that users can bypass, for one or more values.',
  },
  allow: {
    usage:
      '/allow [type] <value…> [--expires …] [--groups "A,B" | --all-devices] [--severity …] [--title "…"] [--desc "…"] [--no-alert]',
    description: 'Request an Allow indicator for one or more values.',
  },
  new: { usage: '/new', description: 'Open an empty indicator form.' },
  list: { usage: '/list [filter]', description: 'List the indicators in Defender, page by page.' },
  show: {
    usage: '/show <value or id>',
    description: 'Show one indicator with its request history and hits.',
  },
  remove: {
    usage: '/remove <value or id>',
    description: 'Request deletion of an indicator (needs approval).',
  },
  expiring: {
    usage: '/expiring [days]',
    description: 'List indicators that expire soon, with Extend buttons.',
  },
  pending: { usage: '/pending [page]', description: 'List open requests.' },
  import: {
    usage: '/import',
    description: 'Import indicators from a CSV in the portal’s template (personal chat).',
  },
  export: {
    usage: '/export [audit [request id]]',
    description: 'Export indicators as a CSV in the portal’s template, or the audit log.',
  },
  subscribe: {
    usage:
      '/subscribe approvals | /subscribe hits [--actions audit,block] [--platforms ios,android] [--groups "A,B"]',
    description: 'Connect this channel to approval requests or mobile hit notifications (admins only).',
  },
  unsubscribe: {
    usage: '/unsubscribe [approvals|hits]',
    description: 'Disconnect this channel (admins only).',
  },
  status: { usage: '/status', description: 'Show health: Defender, Graph, storage, poller and hit sources.' },
  whoami: { usage: '/whoami', description: 'Show your roles in this bot.' },
  help: { usage: '/help [command]', description: 'Show how to use the commands.' },
};

/** The type words of the grammar and the indicator type each names. */
export const TYPE_WORDS: Record<string, IndicatorType> = {
  url: 'Url',
  domain: 'DomainName',
  ip: 'IpAddress',
  sha1: 'FileSha1',
  sha256: 'FileSha256',
  md5: 'FileMd5',
  cert: 'CertificateThumbprint',
};

export type IndicatorCommandName = 'block' | 'audit' | 'warn' | 'allow';

/** `/block`, `/audit`, `/warn`, `/allow`. `scope` is absent when neither `--groups` nor `--all-devices` is given. */
export interface IndicatorCommand {
  name: IndicatorCommandName;
  action: ProductAction;
  typeHint?: IndicatorType;
  values: string[];
  /** Raw `--expires` text, syntax-checked; resolve it with `parseExpiry` and the configured limits. */
  expires?: string;
  scope?: Scope;
  severity?: Severity;
  title?: string;
  description?: string;
  /** `--no-alert` was given. */
  noAlert: boolean;
}

export type HitPlatform = 'iOS' | 'Android' | 'Windows' | 'macOS' | 'Linux';

export interface HitFilters {
  actions?: ApiAction[];
  platforms?: HitPlatform[];
  groups?: string[];
}

export type ParsedCommand =
  | IndicatorCommand
  | { name: 'new' }
  | { name: 'list'; filter?: string }
  | { name: 'show'; target: string }
  | { name: 'remove'; target: string }
  | { name: 'expiring'; days?: number }
  | { name: 'pending'; page?: number }
  | { name: 'import' }
  | { name: 'export'; what: 'indicators' }
  | { name: 'export'; what: 'audit'; requestId?: string }
  | { name: 'subscribe'; kind: 'approvals' }
  | { name: 'subscribe'; kind: 'hits'; filters: HitFilters }
  | { name: 'unsubscribe'; kind?: 'approvals' | 'hits' }
  | { name: 'status' }
  | { name: 'whoami' }
  | { name: 'help'; topic?: CommandName };

interface Token {
  text: string;
  quoted: boolean;
}

const OPEN_QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '„': '“', '‘': '’', '«': '»' };

function usageError(name: CommandName, problem: string): CommandParseError {
  return new CommandParseError(`${problem}\nUsage: ${COMMAND_USAGE[name].usage}`);
}

/** Splits into tokens: whitespace-separated, with "…" / '…' / “…” quoting and `--name=value`. */
function tokenize(text: string, name: CommandName): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const close = OPEN_QUOTES[ch];
    if (close !== undefined) {
      let end = text.indexOf(close, i + 1);
      if (end < 0 && ch === '“') end = text.indexOf('"', i + 1);
      if (end < 0) throw usageError(name, `A quote (${ch}) is not closed.`);
      tokens.push({ text: text.slice(i + 1, end), quoted: true });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j] ?? '')) j++;
    let word = text.slice(i, j);
    // Phones and Office turn "--" into an en or em dash.
    word = word.replace(/^[—–]-?/, '--');
    const eq = /^(--[a-z-]+)=(.*)$/i.exec(word);
    if (eq) {
      tokens.push({ text: eq[1] ?? '', quoted: false });
      let value = eq[2] ?? '';
      const q = OPEN_QUOTES[value[0] ?? ''];
      if (q !== undefined) {
        const start = i + (eq[1]?.length ?? 0) + 1;
        let end = text.indexOf(q, start + 1);
        if (end < 0 && value[0] === '“') end = text.indexOf('"', start + 1);
        if (end < 0) throw usageError(name, `A quote (${value[0] ?? ''}) is not closed.`);
        value = text.slice(start + 1, end);
        j = end + 1;
        tokens.push({ text: value, quoted: true });
      } else {
        tokens.push({ text: value, quoted: false });
      }
      i = j;
      continue;
    }
    tokens.push({ text: word, quoted: false });
    i = j;
  }
  return tokens;
}

function isOption(token: Token | undefined): boolean {
  return !!token && !token.quoted && token.text.startsWith('--');
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let x = 1; x <= a.length; x++) {
    let prev = dp[0] ?? 0;
    dp[0] = x;
    for (let y = 1; y <= b.length; y++) {
      const cur = dp[y] ?? 0;
      dp[y] = Math.min((dp[y] ?? 0) + 1, (dp[y - 1] ?? 0) + 1, prev + (a[x - 1] === b[y - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return dp[b.length] ?? 0;
}

function unknownCommand(word: string): CommandParseError {
  const lower = word.toLowerCase();
  const close = COMMAND_NAMES.map((n) => ({ n, d: editDistance(lower, n) }))
    .filter((c) => c.d <= 2 && c.d < c.n.length)
    .sort((a, b) => a.d - b.d)[0];
  const shown = word.length > 40 ? `${word.slice(0, 40)}…` : word;
  return new CommandParseError(
    `I don't know the command "${shown}".${close ? ` Did you mean /${close.n}?` : ''} Type /help to see what I can do.`,
  );
}

const SEVERITY_WORDS: Record<string, Severity> = {
  informational: 'Informational',
  info: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

const ACTIONS: Record<IndicatorCommandName, ProductAction> = {
  block: 'block',
  audit: 'audit',
  warn: 'warn',
  allow: 'allow',
};

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Parses a command.
 * @param text Message text after the @mention is removed (leftover `<at>` tags and HTML are tolerated).
 * @param now Clock for checking that an explicit `--expires` date is in the future.
 * @throws CommandParseError (code `commandParse`) with the problem and the command's correct usage.
 */
export function parseCommand(text: string, now: Date = new Date()): ParsedCommand {
  const cleaned = cleanTeamsText(text).trim();
  const match = /^\/?(\S*)([\s\S]*)$/.exec(cleaned);
  const word = match?.[1] ?? '';
  if (!word) {
    throw new CommandParseError(
      `Type a command, for example /block evil.example.com. Type /help to see them all.`,
    );
  }
  const name = COMMAND_NAMES.find((n) => n === word.toLowerCase());
  if (!name) throw unknownCommand(word);
  const rest = match?.[2] ?? '';
  switch (name) {
    case 'block':
    case 'audit':
    case 'warn':
    case 'allow':
      return parseIndicatorCommand(name, rest, now);
    case 'list': {
      const filter = rest.trim();
      return filter ? { name, filter } : { name };
    }
    case 'show':
    case 'remove': {
      const target = rest.trim();
      if (!target) throw usageError(name, `Tell me which indicator: a value or an id.`);
      return { name, target };
    }
    case 'expiring': {
      const arg = rest.trim();
      if (!arg) return { name };
      const days = /^(\d{1,4})\s*d?$/i.exec(arg);
      const n = Number(days?.[1]);
      if (!days || n < 1 || n > 3650) throw usageError(name, `"${arg}" is not a number of days (1–3650).`);
      return { name, days: n };
    }
    case 'subscribe':
      return parseSubscribe(rest);
    case 'unsubscribe': {
      const arg = rest.trim().toLowerCase();
      if (!arg) return { name };
      if (arg === 'approvals' || arg === 'hits') return { name, kind: arg };
      throw usageError(name, `Say which subscription to remove: approvals or hits.`);
    }
    case 'help': {
      const arg = rest.trim().replace(/^\//, '').toLowerCase();
      if (!arg) return { name };
      const topic = COMMAND_NAMES.find((n) => n === arg);
      if (!topic) throw unknownCommand(arg);
      return { name, topic };
    }
    case 'pending': {
      const arg = rest.trim();
      if (!arg) return { name };
      if (!/^\d{1,4}$/.test(arg) || Number(arg) < 1)
        throw usageError(name, 'The page is a number, e.g. /pending 2.');
      return { name, page: Number(arg) };
    }
    case 'export': {
      const [what, id, ...more] = rest.trim().split(/\s+/).filter(Boolean);
      if (!what) return { name, what: 'indicators' };
      if (what.toLowerCase() !== 'audit' || more.length > 0) {
        throw usageError(
          name,
          'Write /export for the indicators, or /export audit [request id] for the audit log.',
        );
      }
      return id ? { name, what: 'audit', requestId: id } : { name, what: 'audit' };
    }
    case 'new':
    case 'import':
    case 'status':
    case 'whoami':
      if (rest.trim()) throw usageError(name, `/${name} takes no arguments.`);
      return { name };
  }
}

function parseIndicatorCommand(name: IndicatorCommandName, rest: string, now: Date): IndicatorCommand {
  const tokens = tokenize(rest, name);
  const result: IndicatorCommand = { name, action: ACTIONS[name], values: [], noAlert: false };
  const seen = new Set<string>();
  const valueTokens: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token) continue;
    if (!isOption(token)) {
      valueTokens.push(token.text);
      continue;
    }
    const option = token.text.toLowerCase();
    const canonical = option === '--description' ? '--desc' : option === '--expiry' ? '--expires' : option;
    if (seen.has(canonical)) throw usageError(name, `${canonical} is given twice.`);
    seen.add(canonical);
    const takeValue = (): string => {
      const next = tokens[i + 1];
      if (!next || isOption(next)) throw usageError(name, `${canonical} needs a value.`);
      i++;
      return next.text;
    };
    switch (canonical) {
      case '--expires': {
        const value = takeValue();
        if (!isExpirySyntax(value)) {
          throw usageError(name, `"${value}" is not an expiry; write 30d, 12h, 2026-12-31 or never.`);
        }
        const checked = parseExpiry(value, { now, defaultDays: 1, maxDays: 100_000 });
        if (!checked.ok) throw usageError(name, checked.finding.message);
        result.expires = value.trim().toLowerCase();
        break;
      }
      case '--groups': {
        if (seen.has('--all-devices'))
          throw usageError(name, 'Use either --groups or --all-devices, not both.');
        const groups = splitList(takeValue());
        if (groups.length === 0) throw usageError(name, '--groups needs at least one group name.');
        result.scope = { kind: 'groups', groups };
        break;
      }
      case '--all-devices':
        if (seen.has('--groups')) throw usageError(name, 'Use either --groups or --all-devices, not both.');
        result.scope = { kind: 'allDevices' };
        break;
      case '--severity': {
        const value = takeValue();
        const severity = SEVERITY_WORDS[value.toLowerCase()];
        if (!severity)
          throw usageError(name, `--severity must be informational, low, medium or high, not "${value}".`);
        result.severity = severity;
        break;
      }
      case '--title': {
        const value = takeValue().trim();
        if (!value) throw usageError(name, '--title needs a text.');
        result.title = value;
        break;
      }
      case '--desc': {
        const value = takeValue().trim();
        if (!value) throw usageError(name, '--desc needs a text.');
        result.description = value;
        break;
      }
      case '--no-alert':
        if (name === 'audit') {
          throw usageError(
            name,
            'Audit indicators always raise an alert, so --no-alert cannot be used with /audit.',
          );
        }
        result.noAlert = true;
        break;
      default:
        throw usageError(
          name,
          `I don't know the option ${token.text}. Options: --expires, --groups, --all-devices, --severity, --title, --desc, --no-alert.`,
        );
    }
  }
  const typeWord = valueTokens[0]?.toLowerCase();
  if (typeWord !== undefined && typeWord in TYPE_WORDS) {
    const hint = TYPE_WORDS[typeWord];
    valueTokens.shift();
    if (hint) result.typeHint = hint;
  }
  result.values = splitCleanText(valueTokens.join('\n'));
  if (result.values.length === 0) {
    throw usageError(name, `Give at least one value to ${name}, for example /${name} evil.example.com.`);
  }
  return result;
}

const PLATFORM_WORDS: Record<string, HitPlatform> = {
  ios: 'iOS',
  android: 'Android',
  windows: 'Windows',
  macos: 'macOS',
  mac: 'macOS',
  linux: 'Linux',
};

const ACTION_WORDS: Record<string, ApiAction> = {
  audit: 'Audit',
  block: 'Block',
  warn: 'Warn',
  allow: 'Allowed',
  allowed: 'Allowed',
  blockandremediate: 'BlockAndRemediate',
};

function parseSubscribe(rest: string): ParsedCommand {
  const tokens = tokenize(rest, 'subscribe');
  const kind = tokens[0]?.text.toLowerCase();
  if (kind !== 'approvals' && kind !== 'hits') {
    throw usageError('subscribe', 'Say what to connect this channel to: approvals or hits.');
  }
  if (kind === 'approvals') {
    if (tokens.length > 1) throw usageError('subscribe', '/subscribe approvals takes no filters.');
    return { name: 'subscribe', kind };
  }
  const filters: HitFilters = {};
  for (let i = 1; i < tokens.length; i++) {
    const option = tokens[i]?.text.toLowerCase() ?? '';
    const value = tokens[i + 1];
    if (!isOption(tokens[i])) throw usageError('subscribe', `Unexpected "${tokens[i]?.text ?? ''}".`);
    if (!value || isOption(value)) throw usageError('subscribe', `${option} needs a value.`);
    i++;
    const items = splitList(value.text);
    if (items.length === 0) throw usageError('subscribe', `${option} needs a value.`);
    switch (option) {
      case '--actions':
        filters.actions = items.map((a) => {
          const action = ACTION_WORDS[a.toLowerCase()];
          if (!action) throw usageError('subscribe', `"${a}" is not an action (audit, block, warn, allow).`);
          return action;
        });
        break;
      case '--platforms':
        filters.platforms = items.map((p) => {
          const platform = PLATFORM_WORDS[p.toLowerCase()];
          if (!platform)
            throw usageError('subscribe', `"${p}" is not a platform (ios, android, windows, macos, linux).`);
          return platform;
        });
        break;
      case '--groups':
        filters.groups = items;
        break;
      default:
        throw usageError(
          'subscribe',
          `I don't know the option ${option}. Options: --actions, --platforms, --groups.`,
        );
    }
  }
  return { name: 'subscribe', kind, filters };
}
