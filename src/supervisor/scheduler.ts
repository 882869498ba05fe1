// Owns "what runs when": the FIFO of waiting requests, in-flight counts and their leases, TTL
// timers, drain deadlines and the one swap or stop in progress. Every change calls pump(),
// which applies planSchedule(). A config reload holds the models it replaces, then swaps in
// the new routing rules (setConfig).
import type { Config } from '../config/types.js';
import type { StateChange } from '../process/types.js';
import type { Clock } from '../shared/clock.js';
import { abortedError, shuttingDownError, type SwapgateError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { DrainDeadlines } from './drain-deadlines.js';
import { logMatrixDecision } from './log-matrix-decision.js';
import { ModelEntry } from './model-entry.js';
import { ModelLease } from './model-lease.js';
import { planEviction } from './plan-eviction.js';
import { getRunning, planSchedule, type NextOp } from './plan-schedule.js';
import { internalError, modelUnloadedError } from './supervisor-errors.js';
import { RELOAD_ABORT, runOp, type Op, type OpHost } from './run-op.js';
import { StopRequests } from './stop-requests.js';
import { armTtl } from './ttl-clock.js';
import { WakeTimer } from './wake-timer.js';
import type { AcquireOptions, Lease } from './types.js';
import { reportProgress, WaitQueue, type Waiter } from './wait-queue.js';

const NO_ENTRIES: readonly ModelEntry[] = Object.freeze([]);

export interface SchedulerDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly starvationMs: number;
  /** Called right before a stopped model starts: a reload may have left it a stale process. */
  readonly renewProcess: (entry: ModelEntry) => void;
}

export class Scheduler {
  readonly stops = new StopRequests();
  private readonly queue = new WaitQueue((id) => this.config.routing.fifoPriority[id] ?? 0);
  private op: Op | null = null;
  private closed: ReadonlySet<string> = new Set();
  private readonly held = new Set<string>();
  private config: Config;
  private running: Set<string>;
  /** Bumped on every process state change; invalidates each entry's evictionFree memo. */
  private version = 0;
  private pumping = false;
  private pumpAgain = false;
  private accepting = true;
  private totalInFlight = 0;
  private drainWaiters: Array<() => void> = [];
  private readonly release = (lease: ModelLease): void => this.onRelease(lease);
  private readonly opHost: OpHost;
  private readonly wake: WakeTimer;
  private readonly drains: DrainDeadlines;

  constructor(
    private readonly entries: ReadonlyMap<string, ModelEntry>,
    private readonly deps: SchedulerDeps,
  ) {
    this.config = deps.config;
    this.running = getRunning(entries);
    this.wake = new WakeTimer(deps.clock, () => this.pump());
    // The model has to stop and its requests outlived unloadTimeout: they end now, with an error.
    this.drains = new DrainDeadlines(deps.clock, deps.logger, ({ id, model }) =>
      this.accepting ? modelUnloadedError(id, this.stops.reasonOf(id) ?? 'swap', model.unloadTimeoutMs) : shuttingDownError(),
    );
    this.opHost = {
      clock: deps.clock,
      logger: deps.logger,
      stops: this.stops,
      getEntry: (id) => this.getEntry(id),
      isAccepting: () => this.accepting,
      renewProcess: deps.renewProcess,
      markLoading: (entry) => this.queue.markLoading(entry),
      failWaiters: (entry, error) => this.queue.rejectAll(entry, () => error),
    };
  }

  get inFlight(): number {
    return this.totalInFlight;
  }

  /** The hot path: a ready model that evicts nobody and is open gets a lease at once. */
  tryAdmit(entry: ModelEntry): Lease | null {
    if (entry.queued > 0 || entry.process.state !== 'ready' || this.closed.has(entry.id)) return null;
    if (entry.checkedVersion !== this.version) {
      entry.checkedVersion = this.version;
      entry.evictionFree = planEviction(entry.id, this.running, this.config).length === 0;
    }
    return entry.evictionFree ? this.admit(entry, false) : null;
  }

  enqueue(entry: ModelEntry, options: AcquireOptions): Promise<Lease> {
    const waiter = this.queue.add(entry, options, this.deps.clock.now(), (w) => this.abortWaiter(w));
    if (this.op?.target === entry.id && entry.loadStartedAt !== null) {
      waiter.sawLoad = true;
      reportProgress(waiter, { kind: 'loading', elapsedMs: this.deps.clock.now() - entry.loadStartedAt });
    } else {
      reportProgress(waiter, { kind: 'queued', position: this.queue.positionOf(waiter) });
    }
    this.pump();
    return waiter.deferred.promise;
  }

  /** Asks each model to stop once drained (new requests for it queue meanwhile). */
  async unload(entries: readonly ModelEntry[], reason: string): Promise<void> {
    const pending: Array<Promise<void>> = [];
    for (const entry of entries) {
      const down = !this.running.has(entry.id) && this.op?.target !== entry.id;
      if (down && !this.stops.views.has(entry.id)) continue;
      const done = this.stops.request(entry.id, reason, true);
      if (done !== null) pending.push(done);
    }
    this.pump();
    await Promise.all(pending);
  }

  /** Bookkeeping for a process state change; the caller pumps after re-emitting it. */
  recordState(entry: ModelEntry, change: StateChange): void {
    this.version += 1;
    if (change.to === 'starting' || change.to === 'ready' || change.to === 'stopping') this.running.add(entry.id);
    else this.running.delete(entry.id);
    if (change.to === 'ready') entry.idleSince = this.deps.clock.now();
    else entry.cancelTtl();
  }

  /** Closes these models and starts none of them until setConfig(); their waiters keep waiting. */
  hold(ids: Iterable<string>): void {
    for (const id of ids) this.held.add(id);
    const target = this.op?.target;
    if (target != null && this.held.has(target)) this.op?.controller.abort(RELOAD_ABORT);
    this.pump();
  }

  /** New routing rules (the entries map already holds the new models); releases every hold. */
  setConfig(config: Config): void {
    this.config = config;
    this.queue.reorder();
    this.held.clear();
    this.version += 1;
    this.pump();
  }

  /** The model left the config (it is stopped and drained): its waiters get `error`. */
  forget(entry: ModelEntry, error: SwapgateError): void {
    this.queue.rejectAll(entry, () => error);
    entry.cancelTtl();
    this.stops.settle(entry.id);
  }

  /** Restarts the TTL countdown under the model's current ttl, from when it went idle. */
  rearmTtl(entry: ModelEntry): void {
    if (this.accepting) armTtl(entry, this.deps.clock, this.expireTtl);
  }

  /** Resolves when no request is in flight. */
  whenDrained(): Promise<void> {
    if (this.totalInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Stop accepting: reject every waiter, cancel a start in progress and all timers; drain under deadlines. */
  close(): void {
    this.accepting = false;
    this.queue.rejectAll(null, shuttingDownError);
    this.op?.controller.abort();
    for (const entry of this.entries.values()) {
      entry.cancelTtl();
      if (entry.inFlight > 0) this.drains.arm(entry);
    }
    this.wake.set(null);
  }

  /** Ends every request in flight now (their leases are revoked with `error`). */
  revokeAll(error: SwapgateError): void {
    this.drains.cancelAll();
    for (const entry of this.entries.values()) this.drains.revoke(entry, error);
  }

  pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.step();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private step(): void {
    if (!this.accepting) return;
    const { clock, starvationMs } = this.deps;
    const plan = planSchedule({
      now: clock.now(),
      starvationMs,
      config: this.config,
      models: this.entries,
      waiters: this.queue.items,
      stopRequests: this.stops.views,
      op: this.op,
      held: this.held,
    });
    this.closed = plan.closed;
    this.drains.set(plan.draining.length === 0 ? NO_ENTRIES : plan.draining.map((id) => this.getEntry(id)));
    for (const id of plan.stopsDone) this.stops.settle(id);
    const admitted = plan.admit.map((index) => this.queue.items[index]);
    for (const waiter of admitted) if (waiter !== undefined) this.admitWaiter(waiter);
    this.wake.set(plan.wakeAt);
    if (plan.next !== null) void this.runOp(plan.next);
  }

  private admitWaiter(waiter: Waiter): void {
    this.queue.remove(waiter);
    const { entry } = waiter;
    try {
      const lease = this.admit(entry, waiter.sawLoad);
      if (waiter.sawLoad) {
        const loadMs = entry.loadStartedAt === null ? 0 : this.deps.clock.now() - entry.loadStartedAt;
        reportProgress(waiter, { kind: 'ready', loadMs });
      }
      waiter.deferred.resolve(lease);
    } catch (error) {
      waiter.deferred.reject(error);
    }
  }

  private admit(entry: ModelEntry, waitedForLoad: boolean): Lease {
    const baseUrl = entry.process.baseUrl;
    if (baseUrl === null) throw internalError(`model "${entry.id}" is ready but has no base URL`);
    this.totalInFlight += 1;
    entry.cancelTtl();
    this.stops.cancelTtl(entry.id);
    const lease = new ModelLease(entry, baseUrl, waitedForLoad, this.release);
    entry.leases.add(lease);
    return lease;
  }

  private onRelease(lease: ModelLease): void {
    const { entry } = lease;
    entry.leases.delete(lease);
    this.totalInFlight -= 1;
    if (entry.inFlight === 0) {
      entry.idleSince = this.deps.clock.now();
      this.rearmTtl(entry);
      this.pump();
    } else if (this.queue.length > 0) {
      this.pump();
    }
    if (this.totalInFlight === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  // Logged once it is unloaded (a request arriving meanwhile cancels it).
  private readonly expireTtl = (entry: ModelEntry): void => {
    this.stops.request(entry.id, 'ttl', false);
    this.pump();
  };

  private abortWaiter(waiter: Waiter): void {
    if (!this.queue.remove(waiter)) return;
    waiter.deferred.reject(abortedError(`waiting for model "${waiter.modelId}"`));
    // Nobody waits for this load any more: cancel it.
    if (this.op !== null && this.op.target === waiter.modelId && waiter.entry.queued === 0) {
      this.op.controller.abort();
    }
    this.pump();
  }

  private async runOp(next: NextOp): Promise<void> {
    const target = next.kind === 'swap' ? next.target : null;
    const queuedAt = target === null ? null : (this.queue.items.find((w) => w.modelId === target)?.enqueuedAt ?? null);
    const op: Op = { target, victims: next.victims, controller: new AbortController(), queuedAt };
    this.op = op;
    if (target !== null) {
      logMatrixDecision(this.deps.logger, target, this.running, this.config);
      this.getEntry(target).loadStartedAt = null;
    }
    try {
      await runOp(op, this.opHost);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'scheduler step failed');
    } finally {
      this.op = null;
      this.pump();
    }
  }

  private getEntry(id: string): ModelEntry {
    const entry = this.entries.get(id);
    if (entry === undefined) throw internalError(`scheduler: unknown model "${id}"`);
    return entry;
  }
}
