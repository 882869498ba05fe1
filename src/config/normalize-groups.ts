// groups → GroupConfig list; models in no group form the implicit group (llama-swap's "(default)").
import type { KeyPath } from './config-issue.js';
import { didYouMean } from './did-you-mean.js';
import type { IssueCollector } from './issue-collector.js';
import type { RawGroup } from './raw-config.js';
import { IMPLICIT_GROUP_ID, type GroupConfig } from './types.js';

export interface NormalizedGroups {
  readonly groups: readonly GroupConfig[];
  /** model id → group id, for every model. */
  readonly groupOf: ReadonlyMap<string, string>;
}

export function normalizeGroups(
  raw: Readonly<Record<string, RawGroup>> | undefined,
  modelIds: readonly string[],
  aliasOwner: ReadonlyMap<string, string>,
  issues: IssueCollector,
  /** Where the groups are: top-level "groups" or routing.router.settings.groups. */
  at: KeyPath = ['groups'],
): NormalizedGroups {
  const groups: GroupConfig[] = [];
  const groupOf = new Map<string, string>();
  for (const id of issues.source.orderKeys(at, Object.keys(raw ?? {}))) {
    const group = raw?.[id] ?? {};
    if (id === IMPLICIT_GROUP_ID) {
      issues.error([...at, id], `group id "${id}" is reserved for models in no group`, 'key');
      continue;
    }
    const members: string[] = [];
    (group.members ?? []).forEach((member, i) => {
      const path = [...at, id, 'members', i];
      const owner = aliasOwner.get(member);
      const previous = groupOf.get(member);
      if (!modelIds.includes(member)) {
        const hint = owner === undefined ? didYouMean(member, modelIds) : ` ("${member}" is an alias of "${owner}"; use the model id)`;
        issues.error(path, `unknown model "${member}"${hint}`);
      } else if (members.includes(member)) {
        issues.error(path, `model "${member}" is listed twice in this group`);
      } else if (previous !== undefined) {
        issues.error(path, `model "${member}" is already a member of group "${previous}"`);
      } else {
        members.push(member);
        groupOf.set(member, id);
      }
    });
    groups.push({
      id,
      swap: group.swap ?? true,
      exclusive: group.exclusive ?? true,
      persistent: group.persistent ?? false,
      members,
      implicit: false,
    });
  }
  const loose = modelIds.filter((id) => !groupOf.has(id));
  if (loose.length > 0) {
    groups.push({ id: IMPLICIT_GROUP_ID, swap: true, exclusive: true, persistent: false, members: loose, implicit: true });
    for (const id of loose) groupOf.set(id, IMPLICIT_GROUP_ID);
  }
  return { groups, groupOf };
}
