// Which running models must stop before `target` may run, following llama-swap's groups:
// a swap group runs one member at a time; an exclusive group stops every other group that is
// not persistent; models in no group form the implicit group (swap + exclusive).
import type { Config, GroupConfig } from '../config/types.js';

export type GroupLookup = Pick<Config, 'models' | 'groups'>;

interface GroupIndex {
  readonly groupOf: ReadonlyMap<string, GroupConfig>;
  /** Model ids in declaration order, so plans are deterministic. */
  readonly order: readonly string[];
}

const indexes = new WeakMap<GroupLookup, GroupIndex>();

function getGroupIndex(config: GroupLookup): GroupIndex {
  let index = indexes.get(config);
  if (index !== undefined) return index;
  const byId = new Map(config.groups.map((group) => [group.id, group]));
  const groupOf = new Map<string, GroupConfig>();
  for (const model of config.models) {
    const group = byId.get(model.groupId);
    if (group === undefined) {
      throw new Error(`model "${model.id}" names group "${model.groupId}", which the config does not define`);
    }
    groupOf.set(model.id, group);
  }
  index = { groupOf, order: config.models.map((model) => model.id) };
  indexes.set(config, index);
  return index;
}

/** Whether starting `target` stops `other` (both known, distinct ids). */
function evicts(target: GroupConfig, other: GroupConfig): boolean {
  if (target.id === other.id) return target.swap;
  return target.exclusive && !other.persistent;
}

export function planEviction(target: string, running: ReadonlySet<string>, config: GroupLookup): string[] {
  const { groupOf, order } = getGroupIndex(config);
  const targetGroup = groupOf.get(target);
  if (targetGroup === undefined) throw new Error(`planEviction: unknown model "${target}"`);
  const victims: string[] = [];
  for (const id of order) {
    if (id === target || !running.has(id)) continue;
    const group = groupOf.get(id);
    if (group !== undefined && evicts(targetGroup, group)) victims.push(id);
  }
  return victims;
}
