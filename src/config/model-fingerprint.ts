// What a config reload compares per model, as strings equal exactly when the definitions are.
//
// The restart key is a model's EFFECTIVE definition: what its running upstream was started
// from, and what decides which other models it may run beside. A reload that leaves it equal
// keeps the process (same pid), its requests in flight and its TTL clock; any difference drains
// and stops it, and the next request starts the new definition. It covers:
//   - cmd (argv after macros and ${env.X}), cmdStop, proxy, checkEndpoint and env;
//   - its placement: what decides which other models it may run beside. Under the group router,
//     the id of its group and that group's swap, exclusive and persistent flags. Two models
//     both kept therefore stand in the same eviction relation before and after the reload, so
//     the set of kept running models obeys the new swap rules as it obeyed the old ones.
//     A group's member list is not part of it: a member that joins or leaves is itself changed
//     (and stopped), which is what keeps the others' relation intact. Under the matrix router,
//     the sets that name it, with the sets they reference (matrix/get-matrix-placement.ts):
//     kept models that ran together are still allowed together. Evict costs and set order only
//     change which set a later start picks, so they apply in place. Switching between the group
//     and the matrix router changes every model's placement (all restart).
// Everything else applies in place: ttl, unloadTimeout (the drain deadline), concurrencyLimit,
// aliases, name, description, metadata, unlisted, useModelName, sendLoadingState, filters.
//
// The process key adds what a process object is built with but a running upstream does not
// depend on (healthCheckTimeout, the SIGKILL grace of unloadTimeout, startPort): a kept model
// whose process key changed gets a fresh process object the next time it starts.
import { getMatrixPlacement } from './matrix/get-matrix-placement.js';
import type { Config, ModelConfig } from './types.js';

function getLaunchSpec(model: ModelConfig): unknown[] {
  const env = Object.entries(model.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [model.cmd, model.cmdStop, model.proxy, model.checkEndpoint, env];
}

/** What decides which other models this one may run beside (see above). */
export function getPlacement(model: ModelConfig, config: Pick<Config, 'groups' | 'routing'>): unknown[] {
  const { router } = config.routing;
  if (router.use === 'matrix') return ['matrix', getMatrixPlacement(router.matrix, model.id)];
  const group = config.groups.find((g) => g.id === model.groupId);
  if (group === undefined) throw new Error(`model "${model.id}" names group "${String(model.groupId)}", which the config does not define`);
  return ['group', group.id, group.swap, group.exclusive, group.persistent];
}

export function getRestartKey(model: ModelConfig, config: Pick<Config, 'groups' | 'routing'>): string {
  return JSON.stringify([getLaunchSpec(model), getPlacement(model, config)]);
}

export function getProcessKey(model: ModelConfig, startPort: number): string {
  return JSON.stringify([getLaunchSpec(model), model.healthCheckTimeoutMs, model.unloadTimeoutMs, startPort]);
}
