/**
 * Routes chat messages to command handlers: the bot's @mention is removed first, the leading `/` is optional,
 * the keyword is matched anchored, whole-word and case-insensitively. First match wins.
 */
import type { TurnContext } from 'botbuilder';
import type { Reply } from './replies';

/** Who sent a message or clicked, always taken from the activity, never from card data. */
export interface Actor {
  readonly aadObjectId: string;
  readonly name: string;
  readonly tenantId: string;
}

/** What a command handler gets. */
export interface CommandContext {
  /** The whole command text, mention removed, normalised (entities decoded, spaces collapsed per line). */
  readonly text: string;
  /** The keyword as typed, lower-cased, without `/`. */
  readonly keyword: string;
  /** Everything after the keyword. */
  readonly args: string;
  readonly actor: Actor;
  readonly turn: TurnContext;
}

/** One command: its keyword(s) and what it does. */
export interface CommandHandler {
  readonly keywords: readonly string[];
  handle(ctx: CommandContext): Promise<Reply | undefined>;
}

/** The handler for text that names no known command (usually help). */
export type FallbackHandler = (ctx: CommandContext) => Promise<Reply | undefined>;

const KEYWORD = /^\/?([a-z][a-z-]*)(?=\s|$)/i;

/** Maps keywords to handlers. */
export class CommandRouter {
  private readonly byKeyword = new Map<string, CommandHandler>();

  constructor(
    handlers: readonly CommandHandler[],
    private readonly fallback: FallbackHandler,
  ) {
    for (const h of handlers) {
      for (const k of h.keywords) {
        const key = k.toLowerCase();
        if (this.byKeyword.has(key)) throw new Error(`two command handlers claim the keyword ${key}`);
        this.byKeyword.set(key, h);
      }
    }
  }

  /** Keywords known to the router, in registration order. */
  keywords(): string[] {
    return [...this.byKeyword.keys()];
  }

  /** Finds the handler for an already-normalised text; `undefined` means the fallback. */
  match(text: string): { handler?: CommandHandler; keyword: string; args: string } {
    const m = KEYWORD.exec(text);
    if (!m) return { keyword: '', args: text };
    const keyword = m[1].toLowerCase();
    return { handler: this.byKeyword.get(keyword), keyword, args: text.slice(m[0].length).trim() };
  }

  /** Routes one message; returns the handler's reply. */
  async route(turn: TurnContext, actor: Actor, rawText: string): Promise<Reply | undefined> {
    const text = normaliseCommandText(rawText);
    const { handler, keyword, args } = this.match(text);
    const ctx: CommandContext = { text, keyword, args, actor, turn };
    return handler ? handler.handle(ctx) : this.fallback(ctx);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * Normalises message text after the mention has been removed: drops any remaining `<at>…</at>` tags, decodes
 * HTML entities (Teams sends `&nbsp;`), removes other markup tags but keeps their text (an auto-linked URL keeps
 * its visible text), collapses spaces within each line, and trims. Line breaks are kept, since several
 * values may be pasted one per line.
 */
export function normaliseCommandText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div)>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (whole, name: string) => decodeEntity(name) ?? whole)
    .replace(/\u00a0/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter((line, i, lines) => line.length > 0 || (i > 0 && i < lines.length - 1))
    .join('\n')
    .trim();
}

function decodeEntity(name: string): string | undefined {
  if (!name.startsWith('#')) return ENTITIES[name.toLowerCase()];
  const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}
