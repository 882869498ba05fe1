// Requests queued until their model can serve them (after a start, a swap or a drain), in
// llama-swap's FIFO order: by model priority (routing.scheduler.settings.fifo.priority, higher
// first), then oldest first. Each waiter leaves the queue exactly once: admitted, failed or aborted.
import { createDeferred, type Deferred } from '../shared/deferred.js';
import type { AcquireOptions, Lease, LoadProgress } from './types.js';
import type { ModelEntry } from './model-entry.js';
import type { WaiterView } from './plan-schedule.js';

export interface Waiter extends WaiterView {
  readonly entry: ModelEntry;
  readonly deferred: Deferred<Lease>;
  readonly onProgress: ((progress: LoadProgress) => void) | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  /** Set once the waiter saw its model start loading: it gets `ready` progress and waitedForLoad. */
  sawLoad: boolean;
}

export class WaitQueue {
  readonly items: Waiter[] = [];

  /** priorityOf: a model's current priority (unlisted: 0). */
  constructor(private readonly priorityOf: (modelId: string) => number) {}

  get length(): number {
    return this.items.length;
  }

  add(entry: ModelEntry, options: AcquireOptions, now: number, onAbort: (waiter: Waiter) => void): Waiter {
    const { signal, onProgress } = options;
    const waiter: Waiter = {
      entry,
      modelId: entry.id,
      enqueuedAt: now,
      deferred: createDeferred<Lease>(),
      onProgress,
      signal,
      onAbort: () => onAbort(waiter),
      sawLoad: false,
    };
    // Ahead of the first waiter of a lower priority, as llama-swap's FIFO.enqueue.
    const priority = this.priorityOf(entry.id);
    const at = this.items.findIndex((other) => this.priorityOf(other.modelId) < priority);
    this.items.splice(at === -1 ? this.items.length : at, 0, waiter);
    entry.queued += 1;
    signal?.addEventListener('abort', waiter.onAbort, { once: true });
    return waiter;
  }

  /** Takes the waiter out (and its abort listener); false when it had already left. */
  remove(waiter: Waiter): boolean {
    const index = this.items.indexOf(waiter);
    if (index === -1) return false;
    this.items.splice(index, 1);
    waiter.entry.queued -= 1;
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    return true;
  }

  /** 1-based. */
  positionOf(waiter: Waiter): number {
    return this.items.indexOf(waiter) + 1;
  }

  /** After the priorities changed (a reload): by priority, then by arrival, as if queued anew. */
  reorder(): void {
    const priorities = new Map(this.items.map((w) => [w, this.priorityOf(w.modelId)] as const));
    const rank = (w: Waiter): number => priorities.get(w) ?? 0;
    this.items.sort((a, b) => rank(b) - rank(a) || a.enqueuedAt - b.enqueuedAt);
  }

  of(entry: ModelEntry): Waiter[] {
    return this.items.filter((waiter) => waiter.entry === entry);
  }

  /** Tells the model's waiters that it is loading now. */
  markLoading(entry: ModelEntry): void {
    for (const waiter of this.of(entry)) {
      waiter.sawLoad = true;
      reportProgress(waiter, { kind: 'loading', elapsedMs: 0 });
    }
  }

  /** Rejects the waiters of one model, or of every model when entry is null. */
  rejectAll(entry: ModelEntry | null, error: () => unknown): void {
    for (const waiter of entry === null ? [...this.items] : this.of(entry)) {
      this.remove(waiter);
      waiter.deferred.reject(error());
    }
  }
}

// The progress callback belongs to the caller (the server's frame writer); a throw there
// must not break scheduling, and the client's abort signal tells us if it went away.
export function reportProgress(waiter: Waiter, progress: LoadProgress): void {
  try {
    waiter.onProgress?.(progress);
  } catch {
    // Ignored on purpose: see above.
  }
}
