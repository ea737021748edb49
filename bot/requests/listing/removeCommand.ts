/**
 * `/remove <value or id>`: a removal request for the indicator(s) on that value (one per action may exist) or with
 * that id. It goes through approval like any request; Defender deletes it once approved.
 */
import { parseCommand } from '../../commands/commandParser';
import { NotFoundError } from '../../errors';
import type { FeatureDeps } from '../../feature';
import type { CommandContext, CommandHandler } from '../../teams/commandRouter';
import type { ChangeRequests } from './changeRequests';
import { resolveIndicators } from './indicatorViews';

/** Indicators one removal request may name. */
export const MAX_REMOVALS_PER_REQUEST = 20;

export class RemoveCommand implements CommandHandler {
  readonly keywords = ['remove'];

  constructor(
    private readonly deps: FeatureDeps,
    private readonly changes: ChangeRequests,
  ) {}

  async handle(ctx: CommandContext): Promise<undefined> {
    const parsed = parseCommand(ctx.text, this.deps.now());
    if (parsed.name !== 'remove') return undefined;
    const found = await resolveIndicators(this.deps.defender, parsed.target);
    if (found.length === 0) {
      throw new NotFoundError(
        `Defender has no indicator "${parsed.target.slice(0, 100)}"; nothing to remove. /list shows what is there.`,
      );
    }
    // The status card is posted by the request flow (its message id is kept to update it).
    await this.changes.request(ctx.turn, ctx.actor, found.slice(0, MAX_REMOVALS_PER_REQUEST), {
      kind: 'remove',
    });
    return undefined;
  }
}
