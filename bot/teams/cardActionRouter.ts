/**
 * Routes card actions (`adaptiveCard/action` invokes from `Action.Execute`, and `Action.Submit` messages as a
 * fallback) to handlers by verb. Card data is validated per verb before any handler sees it; the acting user is
 * always taken from the activity.
 */
import type { TurnContext } from 'botbuilder';
import type { z } from 'zod';
import { ValidationError } from '../errors';
import type { Actor } from './commandRouter';
import type { ActionResult } from './replies';

/** What a card-action handler gets. */
export interface CardActionContext<T> {
  readonly verb: string;
  readonly data: T;
  readonly actor: Actor;
  readonly turn: TurnContext;
}

/** One card action: its verb, the schema of its data, and what it does. */
export interface CardActionHandler<T = unknown> {
  readonly verb: string;
  readonly schema: z.ZodType<T>;
  handle(ctx: CardActionContext<T>): Promise<ActionResult>;
}

/** Maps verbs to handlers. */
export class CardActionRouter {
  private readonly byVerb = new Map<string, CardActionHandler>();

  constructor(handlers: readonly CardActionHandler[]) {
    for (const h of handlers) {
      if (this.byVerb.has(h.verb)) throw new Error(`two card-action handlers claim the verb ${h.verb}`);
      this.byVerb.set(h.verb, h);
    }
  }

  /** Verbs known to the router. */
  verbs(): string[] {
    return [...this.byVerb.keys()];
  }

  /**
   * Runs the handler of a verb.
   * @throws ValidationError for an unknown verb or data that does not match the verb's schema.
   */
  async route(turn: TurnContext, actor: Actor, verb: string, data: unknown): Promise<ActionResult> {
    const handler = this.byVerb.get(verb);
    if (!handler) throw new ValidationError(`This card action (${verb || 'none'}) is not known to the bot.`);
    const parsed = handler.schema.safeParse(data ?? {});
    if (!parsed.success) {
      throw new ValidationError(
        `This card's data is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'} ${i.message}`).join('; ')}`,
      );
    }
    return handler.handle({ verb, data: parsed.data, actor, turn });
  }
}
