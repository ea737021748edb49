/**
 * What handlers return, and the single place where errors become chat replies or invoke error responses.
 */
import type { Activity, AdaptiveCardInvokeResponse, Attachment } from 'botbuilder';
import { AppError, ErrorCode } from '../errors';
import type { AdaptiveCardJson } from '../cards/cardRenderer';

/** A reply to a message: plain text, a card, or a whole activity. */
export type Reply = string | { readonly card: Attachment; readonly text?: string } | Partial<Activity>;

/** What a card action answers: a card that replaces the clicked one, or a message shown to the clicker. */
export type ActionResult =
  | { readonly kind: 'card'; readonly card: AdaptiveCardJson }
  | { readonly kind: 'message'; readonly text: string };

/** Turns a handler's reply into an activity. */
export function toActivity(reply: Reply): Partial<Activity> {
  if (typeof reply === 'string') return { type: 'message', text: reply };
  if ('card' in reply && reply.card !== undefined) {
    return { type: 'message', text: reply.text, attachments: [reply.card] };
  }
  return reply;
}

/** Turns a card action's result into the `adaptiveCard/action` invoke response. */
export function toInvokeResponse(result: ActionResult): AdaptiveCardInvokeResponse {
  return result.kind === 'card'
    ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result.card }
    : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: result.text as never };
}

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  config: 500,
  commandParse: 400,
  validation: 400,
  badRequest: 400,
  unauthorized: 403,
  notFound: 404,
  conflict: 409,
  upstream: 502,
};

/** The text a person sees for an error; anything but an {@link AppError} is a bug and shows only the id. */
export function errorText(error: unknown, correlationId: string): string {
  if (error instanceof AppError) return error.userMessage;
  return `Something went wrong on our side. Please try again; if it keeps happening, give your admin this id: ${correlationId}`;
}

/** The invoke error response for an error (Teams shows the message to the clicking user). */
export function errorInvokeResponse(error: unknown, correlationId: string): AdaptiveCardInvokeResponse {
  const statusCode = error instanceof AppError ? STATUS_BY_CODE[error.code] : 500;
  return {
    statusCode,
    type: 'application/vnd.microsoft.error',
    value: {
      code: error instanceof AppError ? error.code : 'internal',
      message: errorText(error, correlationId),
    },
  };
}
