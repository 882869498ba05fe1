// Which models a config reload keeps, restarts, adds and removes: a pure comparison of the
// models' restart keys (see config/model-fingerprint.ts for what counts as a change).
import { getRestartKey } from '../config/model-fingerprint.js';
import type { Config } from '../config/types.js';

export interface ReloadPlan {
  /** Same effective definition (ids in the new config's order). */
  readonly kept: readonly string[];
  /** Effective definition changed. */
  readonly restarted: readonly string[];
  readonly added: readonly string[];
  /** In the old config's order. */
  readonly removed: readonly string[];
}

type ReloadView = Pick<Config, 'models' | 'groups' | 'routing'>;

function getRestartKeys(config: ReloadView): Map<string, string> {
  return new Map(config.models.map((model) => [model.id, getRestartKey(model, config)]));
}

export function planReload(previous: ReloadView, next: ReloadView): ReloadPlan {
  const before = getRestartKeys(previous);
  const after = getRestartKeys(next);
  const kept: string[] = [];
  const restarted: string[] = [];
  const added: string[] = [];
  for (const [id, key] of after) {
    const old = before.get(id);
    if (old === undefined) added.push(id);
    else (old === key ? kept : restarted).push(id);
  }
  const removed = [...before.keys()].filter((id) => !after.has(id));
  return { kept, restarted, added, removed };
}
