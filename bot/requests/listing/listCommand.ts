/**
 * `/list [filter]`: the indicators in Defender, a page at a time, with Next/Previous buttons that replace the
 * card. Filter words are an indicator type (`url`, `domain`, `ip`, `sha1`, `sha256`, `md5`, `cert`) and/or an
 * action (`allow`, `audit`, `warn`, `block`, `blockandremediate`); both become exact OData `eq` terms. A value
 * substring is not offered: Defender documents no `contains` for indicators (reference/defender-api.md §2.6).
 */
import { z } from 'zod';
import { parseCommand, TYPE_WORDS } from '../../commands/commandParser';
import type { DefenderClient } from '../../defender/defenderClient';
import type { DefenderAction } from '../../defender/defenderDtos';
import { CommandParseError } from '../../errors';
import type { FeatureDeps } from '../../feature';
import { INDICATOR_TYPES, type IndicatorType } from '../../indicators';
import type { CardActionHandler } from '../../teams/cardActionRouter';
import type { CommandContext, CommandHandler } from '../../teams/commandRouter';
import type { Reply } from '../../teams/replies';
import { typeLabel } from '../requestCards';
import { ACTION_LABELS, IndicatorViewVerb, indicatorRow } from './indicatorViews';

/** Indicators per page of `/list`. */
export const LIST_PAGE_SIZE = 10;
/** Pages beyond this are not offered (Defender's `$skip` walks the whole list). */
export const LIST_MAX_PAGE = 1000;

/** What `/list` filters on. */
export interface ListFilter {
  readonly indicatorType?: IndicatorType;
  readonly action?: DefenderAction;
}

const ACTION_WORDS: Record<string, DefenderAction> = {
  allow: 'Allowed',
  allowed: 'Allowed',
  audit: 'Audit',
  warn: 'Warn',
  block: 'Block',
  blockandremediate: 'BlockAndRemediate',
};

const TYPE_BY_WORD: Record<string, IndicatorType> = {
  ...TYPE_WORDS,
  ...Object.fromEntries(INDICATOR_TYPES.map((t) => [t.toLowerCase(), t])),
};

/**
 * Reads the filter words of `/list`.
 * @throws CommandParseError for a word that is neither a type nor an action, or for two of either.
 */
export function parseListFilter(text: string | undefined): ListFilter {
  const filter: { indicatorType?: IndicatorType; action?: DefenderAction } = {};
  for (const word of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const lower = word.toLowerCase();
    const type = TYPE_BY_WORD[lower];
    const action = ACTION_WORDS[lower];
    if (type) {
      if (filter.indicatorType && filter.indicatorType !== type) {
        throw new CommandParseError('List one indicator type at a time, e.g. /list url block.');
      }
      filter.indicatorType = type;
    } else if (action) {
      if (filter.action && filter.action !== action) {
        throw new CommandParseError('List one action at a time, e.g. /list domain audit.');
      }
      filter.action = action;
    } else {
      const shown = word.length > 60 ? `${word.slice(0, 60)}…` : word;
      throw new CommandParseError(
        `/list filters by type (url, domain, ip, sha1, sha256, md5, cert) and action (allow, audit, warn, block, blockandremediate). ` +
          `"${shown}" is neither: searching for part of a value is not supported, because Defender's indicator API documents no substring filter. ` +
          `To look up one value, use /show <value or id>.`,
      );
    }
  }
  return filter;
}

/** The data of a Next/Previous click. */
const pageData = z.looseObject({
  page: z.coerce.number().int().min(0).max(LIST_MAX_PAGE),
  type: z.union([z.enum(INDICATOR_TYPES), z.literal('')]).optional(),
  action: z
    .union([z.enum(['Allowed', 'Audit', 'Warn', 'Block', 'BlockAndRemediate']), z.literal('')])
    .optional(),
});
type PageData = z.infer<typeof pageData>;

/** Renders one page of the list. */
export class IndicatorListView {
  constructor(private readonly defender: DefenderClient) {}

  /** The card data of page `page` (0-based). */
  async pageData(filter: ListFilter, page: number): Promise<Record<string, unknown>> {
    const skip = page * LIST_PAGE_SIZE;
    // One more than a page tells whether a next page exists (Defender gives no count or nextLink with $top).
    const result = await this.defender.list({
      filter: {
        ...(filter.indicatorType ? { indicatorType: filter.indicatorType } : {}),
        ...(filter.action ? { action: filter.action } : {}),
      },
      top: LIST_PAGE_SIZE + 1,
      skip,
    });
    const rows = result.value.slice(0, LIST_PAGE_SIZE).map(indicatorRow);
    const hasNext = result.value.length > LIST_PAGE_SIZE && page < LIST_MAX_PAGE;
    const filterLabel = [
      filter.indicatorType ? typeLabel(filter.indicatorType) : 'All types',
      filter.action ? ACTION_LABELS[filter.action] : 'all actions',
    ].join(', ');
    return {
      heading: 'Indicators in Defender',
      filterLabel,
      rows,
      empty: rows.length === 0,
      emptyText: page === 0 ? 'No indicators match.' : 'No more indicators.',
      pageLabel:
        rows.length > 0 ? `Page ${page + 1} · ${skip + 1}–${skip + rows.length}` : `Page ${page + 1}`,
      hasPrevious: page > 0,
      hasNext,
      previousPage: Math.max(0, page - 1),
      nextPage: page + 1,
      type: filter.indicatorType ?? '',
      action: filter.action ?? '',
    };
  }
}

/** `/list [filter]`. */
export class ListCommand implements CommandHandler {
  readonly keywords = ['list'];

  constructor(
    private readonly deps: FeatureDeps,
    private readonly view: IndicatorListView,
  ) {}

  async handle(ctx: CommandContext): Promise<Reply> {
    const parsed = parseCommand(ctx.text, this.deps.now());
    const filter = parseListFilter(parsed.name === 'list' ? parsed.filter : undefined);
    return { card: this.deps.cards.attachment('indicatorList', await this.view.pageData(filter, 0)) };
  }
}

/** Next/Previous on the list card: the card replaces itself with the asked page. */
export function listPageAction(deps: FeatureDeps, view: IndicatorListView): CardActionHandler<PageData> {
  return {
    verb: IndicatorViewVerb.page,
    schema: pageData,
    handle: async (ctx) => {
      const filter: ListFilter = {
        ...(ctx.data.type ? { indicatorType: ctx.data.type } : {}),
        ...(ctx.data.action ? { action: ctx.data.action } : {}),
      };
      return {
        kind: 'card',
        card: deps.cards.render('indicatorList', await view.pageData(filter, ctx.data.page)),
      };
    },
  };
}
