/**
 * `/help`, and the answer to text that names no command: the command list as a card.
 */
import type { CardRenderer } from '../../cards/cardRenderer';
import { escapeMarkdown } from '../../cards/cardRenderer';
import type { CommandContext, CommandHandler } from '../commandRouter';
import type { Reply } from '../replies';

/** One line of the help card. */
export interface HelpEntry {
  readonly usage: string;
  readonly description: string;
}

/** Data of `cards/help.json`. */
export interface HelpCardData {
  readonly intro: string;
  readonly notice: string;
  readonly commands: readonly HelpEntry[];
  readonly footer: string;
}

/** Renders the help card; `notice` explains why it is shown (an unknown command). */
export function helpReply(cards: CardRenderer, entries: readonly HelpEntry[], notice = ''): Reply {
  const data: HelpCardData = {
    intro:
      'Request Microsoft Defender for Endpoint indicators from chat. Every request is reviewed on a card and approved by a second person before it reaches Defender.',
    notice,
    commands: entries.map((e) => ({
      usage: escapeMarkdown(e.usage),
      description: escapeMarkdown(e.description),
    })),
    footer:
      'The leading / is optional. In a channel, @mention the bot first. Values may be defanged (hxxps://, [.]) — the bot refangs them and shows what it understood.',
  };
  return { card: cards.attachment('help', data) };
}

/** The `/help` command. */
export class HelpCommand implements CommandHandler {
  readonly keywords = ['help'] as const;

  constructor(
    private readonly cards: CardRenderer,
    private readonly entries: readonly HelpEntry[],
  ) {}

  handle(_ctx: CommandContext): Promise<Reply> {
    return Promise.resolve(helpReply(this.cards, this.entries));
  }

  /** The fallback for unknown text: help with a notice naming what was not understood. */
  readonly fallback = (ctx: CommandContext): Promise<Reply> => {
    const said = ctx.text.length > 60 ? `${ctx.text.slice(0, 57)}...` : ctx.text;
    const notice = said ? `I did not recognise "${escapeMarkdown(said)}" as a command.` : '';
    return Promise.resolve(helpReply(this.cards, this.entries, notice));
  };
}
