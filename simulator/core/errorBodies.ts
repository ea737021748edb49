/**
 * Error bodies in the shapes the real services answer with: Defender (`{error:{code,message,target}}`,
 * reference §2.9), Microsoft Graph (`{error:{code,message,innerError}}`) and Entra (`{error,error_description,…}`).
 */
import { randomUUID } from 'node:crypto';

/** Which service's error shape a response uses. */
export type ErrorFamily = 'defender' | 'graph' | 'entra';

/** A Defender error body; `target` is the unique tracking id the documentation describes. */
export function defenderError(code: string, message: string): unknown {
  return { error: { code, message, target: randomUUID() } };
}

/** A Microsoft Graph error body. */
export function graphError(code: string, message: string, now: Date): unknown {
  const requestId = randomUUID();
  return {
    error: {
      code,
      message,
      innerError: {
        date: now.toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': requestId,
      },
    },
  };
}

/** An Entra (AAD STS v2) error body. */
export function entraError(error: string, aadsts: number, description: string, now: Date): unknown {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
  };
}

/** Codes and texts of generic failures per family and HTTP status. */
export function genericError(family: ErrorFamily, status: number, now: Date, detail?: string): unknown {
  if (family === 'entra') {
    if (status === 429)
      return entraError('temporarily_unavailable', 50196, detail ?? 'Too many requests.', now);
    if (status >= 500)
      return entraError(
        'temporarily_unavailable',
        90033,
        detail ?? 'A transient error has occurred. Please try again.',
        now,
      );
    return entraError('invalid_request', 900144, detail ?? 'The request is not valid.', now);
  }
  const code = genericCode(status);
  const message = detail ?? genericMessage(status);
  return family === 'graph' ? graphError(code, message, now) : defenderError(code, message);
}

function genericCode(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 429:
      return 'TooManyRequests';
    case 502:
      return 'BadGateway';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'GatewayTimeout';
    default:
      return status >= 500 ? 'InternalServerError' : 'BadRequest';
  }
}

function genericMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Unauthorized (invalid or expired authorization header).';
    case 403:
      return 'Forbidden (valid token but insufficient permission for the action).';
    case 404:
      return 'General Not Found error message.';
    case 429:
      return 'Response represents reaching quota limit either by number of requests or by CPU.';
    default:
      return status >= 500
        ? 'An internal server error occurred. Retry the operation.'
        : 'General Bad Request error message.';
  }
}
