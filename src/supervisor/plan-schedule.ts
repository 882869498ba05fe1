// The scheduler's one decision, as a pure function of a snapshot: which queued requests can
// be served now, which models take no new requests, and which swap or stop runs next.
// Requests for a model that is already up skip ahead of queued swaps (A B A B → A A B B);
// swaps run one at a time in queue order (fifo priority, then oldest first) once their victims
// have drained; a swap waiting longer than starvationMs closes its victims to new requests so
// they do drain. A closed model with requests in flight is draining: the scheduler bounds that
// by its unloadTimeout. A held model (a config reload is replacing or removing it) is closed
// and never started.
import type { ProcessState } from '../process/types.js';
import { planEviction, type GroupLookup } from './plan-eviction.js';

export interface ModelView {
  readonly state: ProcessState;
  readonly inFlight: number;
  readonly concurrencyLimit: number;
}

export interface WaiterView {
  readonly modelId: string;
  readonly enqueuedAt: number;
}

export interface StopRequestView {
  /** true: the model takes no new requests until stopped (unload); false: TTL, a request cancels it. */
  readonly closes: boolean;
}

export interface ScheduleView {
  readonly now: number;
  readonly starvationMs: number;
  readonly config: GroupLookup;
  readonly models: ReadonlyMap<string, ModelView>;
  /** Queue order: higher fifo priority first, then oldest first. */
  readonly waiters: readonly WaiterView[];
  readonly stopRequests: ReadonlyMap<string, StopRequestView>;
  /** The swap or stop in progress, if any. */
  readonly op: { readonly target: string | null; readonly victims: readonly string[] } | null;
  /** Models taking no requests and never started (their waiters wait) until released. */
  readonly held?: ReadonlySet<string>;
}

export type NextOp =
  | { readonly kind: 'swap'; readonly target: string; readonly victims: readonly string[] }
  | { readonly kind: 'stop'; readonly victims: readonly string[] };

export interface SchedulePlan {
  /** Indices into view.waiters to serve now, ascending. */
  readonly admit: readonly number[];
  /** Models that take no new requests (the hot path must queue them). */
  readonly closed: ReadonlySet<string>;
  /** Closed models that still have requests in flight (each must stop once they end). */
  readonly draining: readonly string[];
  readonly next: NextOp | null;
  /** Stop requests for models that are already down: settle them. */
  readonly stopsDone: readonly string[];
  /** When the oldest waiting swap starts starving (re-plan then), or null. */
  readonly wakeAt: number | null;
}

const NONE: readonly string[] = Object.freeze([]);
const NO_IDS: ReadonlySet<string> = new Set();
const RUNNING_STATES: ReadonlySet<ProcessState> = new Set(['starting', 'ready', 'stopping']);

export function getRunning(models: ReadonlyMap<string, ModelView>): Set<string> {
  const running = new Set<string>();
  for (const [id, model] of models) if (RUNNING_STATES.has(model.state)) running.add(id);
  return running;
}

export function planSchedule(view: ScheduleView): SchedulePlan {
  const { models, op } = view;
  const running = getRunning(models);
  const servable = new Map<string, boolean>();
  const isServable = (id: string): boolean => {
    let result = servable.get(id);
    if (result === undefined) {
      result = models.get(id)?.state === 'ready' && planEviction(id, running, view.config).length === 0;
      servable.set(id, result);
    }
    return result;
  };

  const held = view.held ?? NO_IDS;
  const closed = new Set<string>(op?.victims ?? []);
  for (const [id, request] of view.stopRequests) if (request.closes) closed.add(id);
  for (const id of held) closed.add(id);

  const head = view.waiters.find((w) => !held.has(w.modelId) && !isServable(w.modelId) && w.modelId !== op?.target);
  const headVictims = head === undefined ? [] : planEviction(head.modelId, running, view.config);
  const starving = head !== undefined && view.now - head.enqueuedAt >= view.starvationMs;
  if (starving) for (const id of headVictims) closed.add(id);

  const inFlight = new Map<string, number>();
  const inFlightOf = (id: string): number => inFlight.get(id) ?? models.get(id)?.inFlight ?? 0;
  const admit: number[] = [];
  view.waiters.forEach((waiter, index) => {
    const id = waiter.modelId;
    const limit = models.get(id)?.concurrencyLimit ?? 0;
    if (closed.has(id) || !isServable(id) || inFlightOf(id) >= limit) return;
    inFlight.set(id, inFlightOf(id) + 1);
    admit.push(index);
  });

  const stopsDone: string[] = [];
  const idleStops: string[] = [];
  for (const id of view.stopRequests.keys()) {
    const state = models.get(id)?.state;
    if (id === op?.target) continue;
    if (!running.has(id)) stopsDone.push(id);
    else if (op === null && inFlightOf(id) === 0 && state !== 'starting') idleStops.push(id);
  }

  let next: NextOp | null = null;
  if (op === null && idleStops.length > 0) next = { kind: 'stop', victims: idleStops };
  else if (op === null && head !== undefined && headVictims.every((id) => inFlightOf(id) === 0)) {
    next = { kind: 'swap', target: head.modelId, victims: headVictims };
  }
  const wakeAt = head !== undefined && !starving && next === null ? head.enqueuedAt + view.starvationMs : null;
  const draining = closed.size === 0 ? NONE : [...closed].filter((id) => inFlightOf(id) > 0);
  return { admit, closed, draining, next, stopsDone, wakeAt };
}
