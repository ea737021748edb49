/**
 * Graph's error body: `{ "error": { "code", "message", "innerError": { "date", "request-id", "client-request-id" } } }`.
 */
import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../contracts';

/** A Graph error response. */
export function graphError(
  status: number,
  code: string,
  message: string,
  now: Date,
  req?: Pick<SimRequest, 'headers'>,
): SimResponse {
  const requestId = randomUUID();
  const clientRequestId = req?.headers['client-request-id'];
  return {
    status,
    headers: { 'request-id': requestId },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: now.toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': requestId,
          'client-request-id': typeof clientRequestId === 'string' ? clientRequestId : requestId,
        },
      },
    },
  };
}
