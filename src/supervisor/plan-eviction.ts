// Which running models must stop before `target` may run. Under the group router, llama-swap's
// groups: a swap group runs one member at a time; an exclusive group stops every other group
// that is not persistent; models in no group form the implicit group (swap + exclusive). Under
// the matrix router, the solver's choice (config/matrix/solve-matrix.ts), with the running
// models in id order as llama-swap hands them to it.
import { solveMatrix, type MatrixDecision } from '../config/matrix/solve-matrix.js';
import type { Config, GroupConfig } from '../config/types.js';

/** The parts of the config eviction reads. */
export type GroupLookup = Pick<Config, 'models' | 'groups' | 'routing'>;

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
    const group = model.groupId === null ? undefined : byId.get(model.groupId);
    if (group !== undefined) groupOf.set(model.id, group);
    else if (config.routing.router.use === 'group') {
      throw new Error(`model "${model.id}" names group "${String(model.groupId)}", which the config does not define`);
    }
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

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The matrix solver's whole decision (set, cost), or null under the group router. */
export function decideMatrixEviction(target: string, running: ReadonlySet<string>, config: GroupLookup): MatrixDecision | null {
  const { router } = config.routing;
  if (router.use !== 'matrix') return null;
  if (!getGroupIndex(config).order.includes(target)) throw new Error(`planEviction: unknown model "${target}"`);
  return solveMatrix(router.matrix, target, [...running].sort(byId));
}

export function planEviction(target: string, running: ReadonlySet<string>, config: GroupLookup): string[] {
  // The hot path asks this of running models on every step: they evict nobody (llama-swap too).
  if (config.routing.router.use === 'matrix' && running.has(target)) return [];
  const decision = decideMatrixEviction(target, running, config);
  if (decision !== null) return [...decision.evict];
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
