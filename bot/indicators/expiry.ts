/**
 * Expiry of an indicator: `30d`, `12h`, `2w`, a date, an ISO date-time, or `never`, checked against the
 * configured default and maximum with an injected clock.
 */
import { formatExpiration, type Finding } from './types';

export interface ExpirySettings {
  now: Date;
  /** `DEFAULT_EXPIRY_DAYS`: used when no expiry is given. */
  defaultDays: number;
  /** `MAX_EXPIRY_DAYS`: the furthest allowed expiry from now. */
  maxDays: number;
}

/** The parsed expiry: `expirationTime` null means no expiry. `finding` is a warning or the error. */
export type ExpiryResult =
  { ok: true; expirationTime: string | null; finding?: Finding } | { ok: false; finding: Finding };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const USAGE = 'Write the expiry as 30d, 12h, 2w, a date such as 2026-12-31, or never.';

function error(code: string, message: string): ExpiryResult {
  return { ok: false, finding: { level: 'error', code, message, suggestion: USAGE } };
}

/**
 * Parses an expiry. Empty text means the default (`defaultDays` from now). A bare date means the end of that day
 * (23:59:59 UTC). The result is in Defender's format `YYYY-MM-DDTHH:MM:SSZ` (fractions of seconds dropped).
 * `never` is allowed but reported as a warning, since it exceeds any maximum.
 */
export function parseExpiry(text: string | undefined | null, settings: ExpirySettings): ExpiryResult {
  const nowMs = settings.now.getTime();
  const t = (text ?? '').trim().toLowerCase();
  if (!Number.isFinite(nowMs)) return error('invalidExpiry', 'The clock is invalid.');
  if (t === '') return within(new Date(nowMs + settings.defaultDays * DAY), settings);
  if (t === 'never') {
    return {
      ok: true,
      expirationTime: null,
      finding: {
        level: 'warning',
        code: 'neverExpires',
        message: `No expiry: the indicator stays until someone removes it (policy maximum is ${settings.maxDays} days).`,
        suggestion: `Set an expiry such as ${settings.defaultDays}d unless this must be permanent.`,
      },
    };
  }
  const relative = /^(\d{1,6})\s*(h|hours?|d|days?|w|weeks?)$/.exec(t);
  if (relative) {
    const n = Number(relative[1]);
    const unit = (relative[2] ?? 'd')[0];
    if (n === 0) return error('expiryNotFuture', 'The expiry must be in the future; 0 is now.');
    const ms = unit === 'h' ? n * HOUR : unit === 'w' ? n * 7 * DAY : n * DAY;
    return within(new Date(nowMs + ms), settings);
  }
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (dateOnly) {
    const [y, m, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    const date = new Date(Date.UTC(y, m - 1, d, 23, 59, 59));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      return error('invalidExpiry', `${text?.trim() ?? ''} is not a calendar date.`);
    }
    return within(date, settings);
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})t(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(z|[+-]\d{2}:?\d{2})$/.exec(
    t,
  );
  if (iso) {
    const parsed = new Date(t.toUpperCase());
    if (Number.isNaN(parsed.getTime()))
      return error('invalidExpiry', `${text?.trim() ?? ''} is not a valid date and time.`);
    return within(new Date(Math.floor(parsed.getTime() / 1000) * 1000), settings);
  }
  return error('invalidExpiry', `"${text?.trim() ?? ''}" is not an expiry this bot understands.`);
}

function within(date: Date, settings: ExpirySettings): ExpiryResult {
  const nowMs = settings.now.getTime();
  if (!Number.isFinite(date.getTime())) {
    return error('expiryTooFar', `The expiry is more than ${settings.maxDays} days away.`);
  }
  if (date.getTime() <= nowMs) {
    return error('expiryNotFuture', `The expiry ${formatExpiration(date)} is not in the future.`);
  }
  const max = nowMs + settings.maxDays * DAY;
  if (date.getTime() > max) {
    return error(
      'expiryTooFar',
      `The expiry ${formatExpiration(date)} is more than ${settings.maxDays} days away; the latest allowed is ${formatExpiration(new Date(max))}.`,
    );
  }
  return { ok: true, expirationTime: formatExpiration(date) };
}

/** Whether the text has the shape of an expiry (for the command parser), independent of the clock. */
export function isExpirySyntax(text: string): boolean {
  const t = text.trim().toLowerCase();
  return (
    t === 'never' ||
    /^\d{1,6}\s*(h|hours?|d|days?|w|weeks?)$/.test(t) ||
    /^\d{4}-\d{2}-\d{2}$/.test(t) ||
    /^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(z|[+-]\d{2}:?\d{2})$/.test(t)
  );
}
