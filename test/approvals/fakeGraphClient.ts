import { UpstreamError } from '../../bot/errors';
import type { GraphAlert, GraphClient, HuntingQueryResult } from '../../bot/graph/graphClient';

/**
 * An in-memory {@link GraphClient}: group membership from a map, no alerts, empty hunting results. Records every
 * `checkMemberGroups` call and can be told to fail the next ones.
 */
export class FakeGraphClient implements GraphClient {
  readonly memberGroupCalls: Array<{ userId: string; groupIds: readonly string[] }> = [];
  /** Group ids per user object id. */
  readonly groupsByUser = new Map<string, string[]>();
  private failures: Error[] = [];

  /** Makes the user a member of the groups. */
  addMember(userId: string, ...groupIds: string[]): this {
    this.groupsByUser.set(userId, [...(this.groupsByUser.get(userId) ?? []), ...groupIds]);
    return this;
  }

  /** The next `checkMemberGroups` calls (one per error) throw these errors. */
  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  listAlerts(): AsyncIterable<GraphAlert> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.resolve({ done: true as const, value: undefined }),
      }),
    };
  }

  runHuntingQuery(): Promise<HuntingQueryResult> {
    return Promise.resolve({ schema: [], results: [] } as unknown as HuntingQueryResult);
  }

  checkMemberGroups(userId: string, groupIds: readonly string[]): Promise<string[]> {
    this.memberGroupCalls.push({ userId, groupIds });
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    const groups = this.groupsByUser.get(userId) ?? [];
    return Promise.resolve(groupIds.filter((g) => groups.includes(g)));
  }
}

/** The error Graph gives for a throttled or failing call. */
export function graphOutage(): UpstreamError {
  return new UpstreamError('Graph is unavailable', 'graph', 503, 'serviceNotAvailable');
}
