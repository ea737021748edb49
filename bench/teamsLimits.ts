/**
 * An independent check of sends against the Teams limits (reference teams-platform §1.1), written apart from the
 * bot's sender so that the benchmark does not grade the sender with its own arithmetic.
 */

/** At most `limit` sends in any `ms`-long interval. */
export interface TeamsWindow {
  readonly ms: number;
  readonly limit: number;
}

/** Per bot and thread, "Send to conversation": 7 in 1 s, 8 in 2 s, 60 in 30 s, 1,800 in 3,600 s. */
export const TEAMS_PER_CONVERSATION: readonly TeamsWindow[] = [
  { ms: 1_000, limit: 7 },
  { ms: 2_000, limit: 8 },
  { ms: 30_000, limit: 60 },
  { ms: 3_600_000, limit: 1_800 },
];

/** Per app and tenant: 50 requests per second. */
export const TEAMS_PER_APP: readonly TeamsWindow[] = [{ ms: 1_000, limit: 50 }];

/**
 * Sends that broke a window: the send is the `limit + 1`-th within less than `ms` of the first of them (so that a
 * window `(t - ms, t]` held more than `limit`). Each offending send counts once, whatever windows it broke.
 */
export function countViolations(times: readonly number[], windows: readonly TeamsWindow[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let violations = 0;
  for (let j = 0; j < sorted.length; j++) {
    const t = sorted[j] ?? 0;
    if (windows.some((w) => j >= w.limit && t - (sorted[j - w.limit] ?? 0) < w.ms)) violations++;
  }
  return violations;
}
