// Group commit. With intervalMs 0 the items queued during one event-loop turn form a group that
// is written with one write at the end of that turn (setImmediate); with intervalMs > 0 a group
// collects for that long. One write is in flight at a time: what arrives meanwhile joins the next
// group. Callers that wait share one promise per group, settled once its write (and sync) returned;
// callers that do not wait cost one array slot.
import type { Clock } from '../shared/clock.js';
import { createDeferred, type Deferred } from '../shared/deferred.js';

export interface CommitQueueOptions<T> {
  readonly intervalMs: number;
  readonly clock: Clock;
  /** Writes one group in order; `flushed`: it holds a flush item. Rejects when the write failed. */
  readonly write: (items: readonly T[], flushed: boolean) => Promise<void>;
}

/** What add() hands back: nothing, the group's result, or a promise of its end that never rejects. */
export type WaitKind = 'none' | 'result' | 'settled';

export interface CommitQueue<T> {
  /**
   * Queues an item. `flush`: its group is written at the end of this turn even inside a batching
   * window. The promise (one object per group and kind) is made only when asked for.
   */
  add(item: T, flush: boolean, awaited: 'result' | 'settled'): Promise<void>;
  add(item: T, flush: boolean, awaited: 'none'): void;
  /** Writes everything queued so far; never rejects (a failed group rejects its own promise). */
  flush(): Promise<void>;
}

interface Group<T> {
  readonly items: T[];
  flushed: boolean;
  /** Its turn (or window) ended: written as soon as no other write is in flight. */
  due: boolean;
  done: Deferred<void> | null;
  settled: Promise<void> | null;
}

const ignore = (): void => undefined;

export function createCommitQueue<T>(options: CommitQueueOptions<T>): CommitQueue<T> {
  const { intervalMs, clock, write } = options;
  let open: Group<T> | null = null;
  let inflight: Group<T> | null = null;
  let timer: { cancel(): void } | null = null;

  const pump = (): void => {
    if (inflight !== null || open === null || !open.due) return;
    const group = open;
    open = null;
    inflight = group;
    timer?.cancel();
    timer = null;
    write(group.items, group.flushed).then(
      () => {
        inflight = null;
        group.done?.resolve();
        pump();
      },
      (error: unknown) => {
        inflight = null;
        group.done?.reject(error);
        pump();
      },
    );
  };

  // A stale call (the group was already taken by flush()) does nothing.
  const makeDue = (group: Group<T>): void => {
    if (open !== group) return;
    group.due = true;
    pump();
  };

  const promiseOf = (group: Group<T>): Promise<void> => {
    if (group.done === null) {
      group.done = createDeferred<void>();
      // Awaiting callers see the rejection; this keeps a group nobody awaited from being unhandled.
      group.done.promise.catch(ignore);
    }
    return group.done.promise;
  };

  const settledOf = (group: Group<T>): Promise<void> => (group.settled ??= promiseOf(group).then(ignore, ignore));

  function add(item: T, flush: boolean, awaited: 'result' | 'settled'): Promise<void>;
  function add(item: T, flush: boolean, awaited: 'none'): void;
  function add(item: T, flush: boolean, awaited: WaitKind): Promise<void> | void {
    let group = open;
    if (group === null) {
      const created: Group<T> = { items: [], flushed: false, due: false, done: null, settled: null };
      group = open = created;
      if (intervalMs === 0 || flush) setImmediate(makeDue, created);
      else timer = clock.setTimeout(() => makeDue(created), intervalMs);
    } else if (flush && !group.flushed && !group.due && intervalMs > 0) {
      // A flush item does not wait for the window.
      timer?.cancel();
      timer = null;
      setImmediate(makeDue, group);
    }
    group.items.push(item);
    if (flush) group.flushed = true;
    if (awaited === 'result') return promiseOf(group);
    if (awaited === 'settled') return settledOf(group);
  }

  return {
    add,
    flush() {
      const group = open ?? inflight;
      if (group === null) return Promise.resolve();
      const done = settledOf(group);
      if (group === open) {
        group.due = true;
        pump();
      }
      return done;
    },
  };
}
