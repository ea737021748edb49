/**
 * `/show <value or id>`: the indicator(s) in Defender, the bot's requests that concerned them (newest first), and
 * hits when a hit source has recorded any.
 */
import { parseCommand } from '../../commands/commandParser';
import { escapeMarkdown } from '../../cards/cardRenderer';
import type { DefenderIndicator } from '../../defender/defenderClient';
import { NotFoundError } from '../../errors';
import type { FeatureDeps } from '../../feature';
import { productActionLabel } from '../../indicators';
import type { IndicatorRequest } from '../../approvals/indicatorRequest';
import type { CommandContext, CommandHandler } from '../../teams/commandRouter';
import type { Reply } from '../../teams/replies';
import type { RequestServices } from '../requestServices';
import { expiryLabel, indicatorRow, normalisedValue, resolveIndicators } from './indicatorViews';

/** Indicators and history lines shown at most. */
const MAX_SHOWN = 5;
const MAX_HISTORY = 10;

/** A recorded hit of an indicator, as a hit source reports it. */
export interface IndicatorHit {
  readonly at: string;
  readonly device: string;
  readonly platform: string;
  readonly source: string;
}

/** Where `/show` reads hits from; absent until a hit source records them. */
export type HitLookup = (indicator: DefenderIndicator) => Promise<readonly IndicatorHit[] | undefined>;

const KIND_LABEL: Record<IndicatorRequest['kind'], string> = {
  create: 'create',
  remove: 'removal',
  extend: 'extension',
};

export class ShowCommand implements CommandHandler {
  readonly keywords = ['show'];

  constructor(
    private readonly deps: FeatureDeps,
    private readonly s: RequestServices,
    private readonly hits?: HitLookup,
  ) {}

  async handle(ctx: CommandContext): Promise<Reply> {
    const parsed = parseCommand(ctx.text, this.deps.now());
    if (parsed.name !== 'show') throw new NotFoundError('Tell me which indicator: a value or an id.');
    const indicators = await resolveIndicators(this.deps.defender, parsed.target);
    const history = await this.history(parsed.target, indicators);
    if (indicators.length === 0 && history.length === 0) {
      throw new NotFoundError(
        `Defender has no indicator "${parsed.target.slice(0, 100)}", and no request of this bot concerned it.`,
      );
    }
    const shown = indicators.slice(0, MAX_SHOWN);
    const hitLines: string[] = [];
    let hitsKnown = false;
    for (const i of shown) {
      const found = this.hits ? await this.hits(i) : undefined;
      if (found === undefined) continue;
      hitsKnown = true;
      for (const h of found.slice(0, 5)) {
        hitLines.push(escapeMarkdown(`${h.at} · ${h.device} (${h.platform}) · ${h.source} · id ${i.id}`));
      }
    }
    const data = {
      heading:
        indicators.length > 0
          ? `Indicator ${escapeMarkdown(indicators[0]?.indicatorValue ?? '')}`
          : 'Indicator',
      inDefender: indicators.length > 0,
      notInDefender: indicators.length === 0,
      notInDefenderText: `Not in Defender now (it may have expired or been removed).`,
      indicators: shown.map((i) => {
        const row = indicatorRow(i);
        return {
          ...row,
          facts: [
            { title: 'Id', value: row.id },
            { title: 'Type', value: row.typeLabel },
            { title: 'Action', value: row.actionLabel },
            { title: 'Title', value: row.title || '(none)' },
            { title: 'Severity', value: i.severity ?? '(none)' },
            { title: 'Alert', value: i.generateAlert ? 'on' : 'off' },
            { title: 'Scope', value: row.scope },
            { title: 'Expires', value: expiryLabel(i.expirationTime) },
            {
              title: 'Created',
              value: escapeMarkdown(
                `${i.creationTimeDateTimeUtc ?? '?'} by ${i.createdByDisplayName ?? i.createdBy ?? '?'}`,
              ),
            },
          ],
        };
      }),
      moreIndicators: indicators.length > MAX_SHOWN ? `…and ${indicators.length - MAX_SHOWN} more.` : '',
      history: history.slice(0, MAX_HISTORY).map((r) => ({
        line: escapeMarkdown(
          `${r.id} · ${productActionLabel(r.fields.action)} ${KIND_LABEL[r.kind]} request · ${r.status} · by ${r.requester.name || r.requester.aadObjectId} · ${r.createdAt.slice(0, 16).replace('T', ' ')} UTC`,
        ),
      })),
      noHistory: history.length === 0,
      hits: hitLines.map((line) => ({ line })),
      hitsText: hitsKnown
        ? hitLines.length === 0
          ? 'No hits recorded.'
          : ''
        : 'No hit source has recorded hits of this indicator (see /status for which sources run).',
    };
    return { card: this.deps.cards.attachment('indicatorDetail', data) };
  }

  /** Requests of this bot on the value or the ids, newest first. */
  private async history(
    target: string,
    indicators: readonly DefenderIndicator[],
  ): Promise<IndicatorRequest[]> {
    const ids = new Set(indicators.map((i) => i.id));
    const values = new Set(indicators.map((i) => `${i.indicatorType}|${i.indicatorValue.toLowerCase()}`));
    try {
      const n = normalisedValue(target);
      values.add(`${n.type}|${n.value.toLowerCase()}`);
    } catch {
      // An id: only the ids match.
    }
    const all = await this.s.store.list();
    return all.filter((r) =>
      r.items.some(
        (i) =>
          (i.targetId !== undefined && ids.has(i.targetId)) ||
          (i.defenderId !== undefined && ids.has(i.defenderId)) ||
          (i.draft !== undefined &&
            values.has(`${i.draft.indicatorType}|${i.draft.indicatorValue.toLowerCase()}`)),
      ),
    );
  }
}
