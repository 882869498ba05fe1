// A config reload inside one long-lived supervisor. Two steps, so that swap exclusivity holds
// throughout:
//  1. (synchronous) Added models get entries; they, and the restarted and removed models, are
//     held: closed to new requests and never started, while their waiters keep waiting. A start
//     of a held model in progress is cancelled. Then the restarted and removed models are
//     unloaded (drained for at most their unloadTimeout, then stopped) under the OLD rules.
//  2. (synchronous, once they are down) Removed entries go (their waiters get model_not_found),
//     restarted ones get a process built from the new definition, kept ones take their new
//     settings in place (ttl re-armed from when they went idle), and the new group rules apply.
// Only kept models can be running when the new rules apply, and each pair of them stands in the
// same eviction relation as before (model-fingerprint.ts), so the running set stays legal.
import type { Config, ModelConfig } from '../config/types.js';
import type { ModelProcess } from '../process/types.js';
import { shuttingDownError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { ModelEntry, type AttachedProcess } from './model-entry.js';
import { planReload } from './plan-reload.js';
import type { Scheduler } from './scheduler.js';
import { internalError, modelNotFoundError } from './supervisor-errors.js';
import type { ReloadSummary } from './types.js';

export interface ReconfigureHost {
  /** The supervisor's entries (shared with the scheduler), changed in place. */
  readonly entries: Map<string, ModelEntry>;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** The config in force. */
  getConfig(): Config;
  isOpen(): boolean;
  /** Builds a process for the entry's current model under `config` (its startPort). */
  attach(entry: ModelEntry, config: Config): AttachedProcess;
  /** Shuts a detached process down (tracked, so a shutdown waits for it too). */
  retire(process: ModelProcess): void;
  /** Makes `config` the one in force (the scheduler's rules included). */
  commit(config: Config): void;
}

const DOWN: ReadonlySet<string> = new Set(['stopped', 'shutdown']);

export async function reconfigure(host: ReconfigureHost, next: Config): Promise<ReloadSummary> {
  if (!host.isOpen()) throw shuttingDownError();
  const { entries, scheduler } = host;
  const plan = planReload(host.getConfig(), next);
  const models = new Map(next.models.map((model) => [model.id, model]));
  const modelOf = (id: string): ModelConfig => {
    const model = models.get(id);
    if (model === undefined) throw internalError(`reconfigure: model "${id}" missing from the new config`);
    return model;
  };
  const entryOf = (id: string): ModelEntry => {
    const entry = entries.get(id);
    if (entry === undefined) throw internalError(`reconfigure: no entry for model "${id}"`);
    return entry;
  };

  const attach = (entry: ModelEntry): AttachedProcess => host.attach(entry, next);

  // Step 1.
  for (const id of plan.added) entries.set(id, new ModelEntry(modelOf(id), attach));
  const leaving = [...plan.restarted, ...plan.removed].map(entryOf);
  const stopped = leaving.filter((entry) => !DOWN.has(entry.state)).map((entry) => entry.id);
  scheduler.hold([...plan.restarted, ...plan.removed, ...plan.added]);
  try {
    await scheduler.unload(leaving, 'reload');
  } catch (error) {
    // The stop failure is logged by the scheduler; retire() below takes the process down.
    host.logger.error({ err: error }, 'config reload: stopping a changed or removed model failed');
  }
  if (!host.isOpen()) throw shuttingDownError();

  // Step 2.
  const ids = next.models.map((model) => model.id);
  for (const id of plan.removed) {
    const entry = entryOf(id);
    scheduler.forget(entry, modelNotFoundError(id, ids));
    entries.delete(id);
    host.retire(entry.detachProcess());
  }
  for (const id of plan.restarted) {
    const entry = entryOf(id);
    entry.model = modelOf(id);
    host.retire(entry.replaceProcess(attach));
  }
  for (const id of plan.kept) {
    const entry = entryOf(id);
    const ttlChanged = entry.model.ttlMs !== modelOf(id).ttlMs;
    entry.model = modelOf(id);
    if (ttlChanged) scheduler.rearmTtl(entry);
  }
  // The new declaration order (statuses, plans).
  const ordered = ids.map((id) => [id, entryOf(id)] as const);
  entries.clear();
  for (const [id, entry] of ordered) entries.set(id, entry);
  host.commit(next);
  return { ...plan, stopped };
}
