/**
 * The simulated Entra directory: users and groups from `directory.json`, with transitive group membership
 * (what `checkMemberGroups` answers).
 */
import directoryJson from './directory.json';

/** A directory user. */
export interface DirectoryUser {
  readonly id: string;
  readonly displayName: string;
  readonly givenName: string;
  readonly surname: string;
  readonly userPrincipalName: string;
  readonly mail: string;
}

/** A directory group; `members` are user or group object ids. */
export interface DirectoryGroup {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly members: readonly string[];
}

/** Users and groups of the simulated tenant. */
export class Directory {
  constructor(
    readonly users: readonly DirectoryUser[],
    readonly groups: readonly DirectoryGroup[],
  ) {}

  /** A user by object id or user principal name (case-insensitive). */
  findUser(idOrUpn: string): DirectoryUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.users.find((u) => u.id.toLowerCase() === key || u.userPrincipalName.toLowerCase() === key);
  }

  findGroup(id: string): DirectoryGroup | undefined {
    return this.groups.find((g) => g.id.toLowerCase() === id.toLowerCase());
  }

  /** Ids of every group the object belongs to, directly or through nested groups. */
  transitiveGroupsOf(objectId: string): Set<string> {
    const result = new Set<string>();
    const pending = [objectId.toLowerCase()];
    while (pending.length > 0) {
      const member = pending.pop() as string;
      for (const group of this.groups) {
        const id = group.id.toLowerCase();
        if (!result.has(id) && group.members.some((m) => m.toLowerCase() === member)) {
          result.add(id);
          pending.push(id);
        }
      }
    }
    return result;
  }
}

/** The fixture directory. */
export function loadDirectory(): Directory {
  return new Directory(directoryJson.users, directoryJson.groups);
}
