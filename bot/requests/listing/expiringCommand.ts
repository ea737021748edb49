/**
 * `/expiring [days]`: indicators that expire within the next days (7 by default), soonest first, each with an
 * Extend button. Extend creates an extension request (through approval) that re-submits the indicator with the
 * later expiration time chosen on the card.
 */
import { z } from 'zod';
import { parseCommand } from '../../commands/commandParser';
import { NotFoundError, ValidationError } from '../../errors';
import type { FeatureDeps } from '../../feature';
import type { CardActionHandler } from '../../teams/cardActionRouter';
import type { CommandContext, CommandHandler } from '../../teams/commandRouter';
import type { Reply } from '../../teams/replies';
import type { ChangeRequests } from './changeRequests';
import { IndicatorViewVerb, expiryLabel, indicatorRow, isoSeconds } from './indicatorViews';

export const DEFAULT_EXPIRING_DAYS = 7;
/** Rows with an Extend button on one card. */
export const EXPIRING_MAX_ROWS = 15;
/** Extension periods offered, in days. */
export const EXTEND_CHOICES = [7, 30, 90, 180, 365] as const;

const DAY_MS = 86_400_000;

const extendData = z.looseObject({
  indicatorId: z.string().regex(/^\d{1,20}$/),
  extendBy: z
    .string()
    .regex(/^\d{1,4}d$/)
    .optional(),
});
type ExtendData = z.infer<typeof extendData>;

/** The new expiration time: the later of now and the current expiry, plus `days`, capped at the maximum. */
export function extendedExpiry(
  current: string | null | undefined,
  days: number,
  now: Date,
  maxDays: number,
): string {
  const base = Math.max(now.getTime(), current ? Date.parse(current) || 0 : 0);
  const cap = now.getTime() + maxDays * DAY_MS;
  return isoSeconds(new Date(Math.min(base + days * DAY_MS, cap)));
}

export class ExpiringCommand implements CommandHandler {
  readonly keywords = ['expiring'];

  constructor(private readonly deps: FeatureDeps) {}

  async handle(ctx: CommandContext): Promise<Reply> {
    const parsed = parseCommand(ctx.text, this.deps.now());
    const days = (parsed.name === 'expiring' ? parsed.days : undefined) ?? DEFAULT_EXPIRING_DAYS;
    const now = this.deps.now();
    const until = new Date(now.getTime() + days * DAY_MS);
    const found = (await this.deps.defender.listAll({ expiresBefore: until }))
      .filter((i) => i.expirationTime && Date.parse(i.expirationTime) > now.getTime())
      .sort((a, b) => Date.parse(a.expirationTime ?? '') - Date.parse(b.expirationTime ?? ''));
    const max = this.deps.config.indicators.maxExpiryDays;
    const choices = EXTEND_CHOICES.filter((d) => d <= max);
    const preferred = this.deps.config.indicators.defaultExpiryDays;
    const defaultChoice = choices.includes(preferred as (typeof EXTEND_CHOICES)[number])
      ? preferred
      : (choices.find((d) => d >= 30) ?? choices[choices.length - 1] ?? max);
    const data = {
      heading: `Indicators expiring within ${days} day${days === 1 ? '' : 's'}`,
      summary:
        found.length === 0
          ? 'None: nothing expires in that time.'
          : `${found.length} indicator${found.length === 1 ? '' : 's'}, soonest first.${found.length > EXPIRING_MAX_ROWS ? ` The first ${EXPIRING_MAX_ROWS} are shown.` : ''}`,
      any: found.length > 0,
      rows: found
        .slice(0, EXPIRING_MAX_ROWS)
        .map((i) => ({ ...indicatorRow(i), expires: expiryLabel(i.expirationTime) })),
      extendChoices: (choices.length > 0 ? choices : [max]).map((d) => ({
        title: `${d} days`,
        value: `${d}d`,
      })),
      extendDefault: `${defaultChoice}d`,
    };
    return { card: this.deps.cards.attachment('expiring', data) };
  }
}

/** Extend on the expiring card: an extension request for that indicator. */
export function extendAction(deps: FeatureDeps, changes: ChangeRequests): CardActionHandler<ExtendData> {
  return {
    verb: IndicatorViewVerb.extend,
    schema: extendData,
    handle: async (ctx) => {
      const max = deps.config.indicators.maxExpiryDays;
      const days = ctx.data.extendBy
        ? Number(ctx.data.extendBy.slice(0, -1))
        : deps.config.indicators.defaultExpiryDays;
      if (days < 1 || days > max) throw new ValidationError(`Extend by 1 to ${max} days.`);
      const indicator = await deps.defender.getById(ctx.data.indicatorId);
      if (!indicator) {
        throw new NotFoundError(
          `Indicator ${ctx.data.indicatorId} is no longer in Defender (it may have expired or been removed).`,
        );
      }
      const expirationTime = extendedExpiry(indicator.expirationTime, days, deps.now(), max);
      const request = await changes.request(ctx.turn, ctx.actor, [indicator], {
        kind: 'extend',
        expirationTime,
      });
      const next = request.status === 'pending' ? 'it waits for approval' : 'it is being submitted';
      return {
        kind: 'message',
        text: `Extension of ${indicator.indicatorValue} to ${expiryLabel(expirationTime)} requested as ${request.id}; ${next}.`,
      };
    },
  };
}
