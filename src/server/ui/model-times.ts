// When each model last started starting and last became ready (wall clock), for the Models page's
// uptime and TTL countdown: the supervisor keeps durations, not these moments. One tracker per
// supervisor (it outlives config reloads, and so do the times), listening from the first app on.
import type { StateChange } from '../../process/types.js';
import type { Supervisor } from '../../supervisor/types.js';

export interface ModelMoments {
  readonly startingAtMs: number | null;
  readonly readyAtMs: number | null;
}

const NONE: ModelMoments = { startingAtMs: null, readyAtMs: null };

export class ModelTimes {
  private readonly moments = new Map<string, ModelMoments>();

  constructor(private readonly wallNow: () => number = Date.now) {}

  observe(change: StateChange): void {
    const now = this.wallNow();
    const before = this.moments.get(change.modelId) ?? NONE;
    if (change.to === 'starting') this.moments.set(change.modelId, { startingAtMs: now, readyAtMs: null });
    else if (change.to === 'ready') this.moments.set(change.modelId, { ...before, readyAtMs: now });
    else if (change.to === 'stopped' || change.to === 'shutdown') this.moments.set(change.modelId, NONE);
  }

  get(modelId: string): ModelMoments {
    return this.moments.get(modelId) ?? NONE;
  }
}

const bySupervisor = new WeakMap<Supervisor, ModelTimes>();

/** The supervisor's tracker, made (and subscribed) on first use. */
export function getModelTimes(supervisor: Supervisor): ModelTimes {
  let times = bySupervisor.get(supervisor);
  if (times === undefined) {
    const made = new ModelTimes();
    supervisor.on('state', (change) => made.observe(change));
    bySupervisor.set(supervisor, made);
    times = made;
  }
  return times;
}
