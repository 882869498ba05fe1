// The routing block, as llama-swap's loader reads it (internal/config/load.go): the legacy
// top-level `groups`/`matrix` or `routing.router` (use: group | matrix, settings.groups,
// settings.matrix), never both; never groups and a matrix at once; and the FIFO scheduler's
// per-model priorities. Under the matrix router there are no groups.
import { didYouMean } from './did-you-mean.js';
import type { IssueCollector } from './issue-collector.js';
import { normalizeMatrix } from './matrix/normalize-matrix.js';
import { normalizeGroups, type NormalizedGroups } from './normalize-groups.js';
import type { RawConfig, RawGroup, RawMatrix } from './raw-config.js';
import type { RoutingConfig } from './types.js';

export interface NormalizedRouting extends NormalizedGroups {
  readonly routing: RoutingConfig;
}

interface Choice {
  readonly groups: Readonly<Record<string, RawGroup>> | undefined;
  readonly groupsAt: readonly string[];
  /** The matrix to use, when the matrix router is chosen. */
  readonly matrix: RawMatrix | undefined;
  readonly matrixAt: readonly string[];
}

const ROUTER_AT = ['routing', 'router'];
const SETTINGS_AT = [...ROUTER_AT, 'settings'];
const PRIORITY_AT = ['routing', 'scheduler', 'settings', 'fifo', 'priority'];
const NO_GROUPS: ReadonlyMap<string, string> = new Map();

const countKeys = (map: object | undefined): number => (map === undefined ? 0 : Object.keys(map).length);

function chooseRouter(raw: RawConfig, issues: IssueCollector): Choice {
  const legacy = { groups: raw.groups, groupsAt: ['groups'], matrixAt: ['matrix'] };
  const legacyKey = countKeys(raw.groups) > 0 ? 'groups' : raw.matrix !== undefined ? 'matrix' : null;
  const router = raw.routing?.router;
  const settings = router?.settings;
  const hasRouter = router?.use !== undefined || settings?.matrix !== undefined || countKeys(settings?.groups) > 0;
  if (legacyKey !== null && hasRouter) {
    const message = `the legacy top-level "groups"/"matrix" cannot be used together with "routing.router"; move "${legacyKey}" into routing.router.settings`;
    issues.error([legacyKey], message, 'key');
  }
  if (legacyKey !== null || !hasRouter) {
    if (raw.matrix !== undefined && countKeys(raw.groups) > 0) issues.error(['matrix'], 'a config cannot use both "groups" and "matrix"', 'key');
    return { ...legacy, matrix: raw.matrix };
  }
  const routed = { groups: settings?.groups, groupsAt: [...SETTINGS_AT, 'groups'], matrixAt: [...SETTINGS_AT, 'matrix'] };
  if (router?.use === 'matrix') {
    if (settings?.matrix === undefined) issues.error([...ROUTER_AT, 'use'], 'routing.router.use is "matrix" but routing.router.settings.matrix is not set');
    if (countKeys(settings?.groups) > 0) issues.warn([...SETTINGS_AT, 'groups'], 'not used: routing.router.use is "matrix"', 'key');
    return { ...routed, groups: undefined, matrix: settings?.matrix };
  }
  if (settings?.matrix !== undefined) {
    const why = router?.use === undefined ? 'routing.router.use is not set (the group router is the default)' : 'routing.router.use is "group"';
    issues.warn([...SETTINGS_AT, 'matrix'], `not used: ${why}`, 'key');
  }
  return { ...routed, matrix: undefined };
}

/** FIFO priorities by model id: keys may be ids or aliases (an unknown one is an error). */
function readPriorities(raw: RawConfig, modelIds: readonly string[], aliasOwner: ReadonlyMap<string, string>, issues: IssueCollector): Record<string, number> {
  const given = raw.routing?.scheduler?.settings?.fifo?.priority ?? {};
  const priority: Record<string, number> = {};
  const from = new Map<string, string>();
  for (const key of issues.source.orderKeys(PRIORITY_AT, Object.keys(given))) {
    const id = modelIds.includes(key) ? key : aliasOwner.get(key);
    if (id === undefined) {
      issues.error([...PRIORITY_AT, key], `unknown model "${key}"${didYouMean(key, [...modelIds, ...aliasOwner.keys()])}`, 'key');
    } else if (from.has(id)) {
      issues.warn([...PRIORITY_AT, key], `the priority of model "${id}" is already set by "${from.get(id) ?? ''}"; this one is ignored`, 'key');
    } else {
      from.set(id, key);
      priority[id] = given[key] ?? 0;
    }
  }
  return priority;
}

export function normalizeRouting(
  raw: RawConfig,
  modelIds: readonly string[],
  aliasOwner: ReadonlyMap<string, string>,
  issues: IssueCollector,
): NormalizedRouting {
  const choice = chooseRouter(raw, issues);
  const fifoPriority = readPriorities(raw, modelIds, aliasOwner, issues);
  if (choice.matrix !== undefined) {
    const matrix = normalizeMatrix(choice.matrix, choice.matrixAt, { modelIds, aliasOwner }, issues);
    // With errors the config is refused; the group router stands in so the result stays typed.
    if (matrix !== null) return { routing: { router: { use: 'matrix', matrix }, fifoPriority }, groups: [], groupOf: NO_GROUPS };
  }
  const { groups, groupOf } = normalizeGroups(choice.groups, modelIds, aliasOwner, issues, choice.groupsAt);
  return { routing: { router: { use: 'group' }, fifoPriority }, groups, groupOf };
}
