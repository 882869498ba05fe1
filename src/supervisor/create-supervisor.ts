// The Supervisor the server consumes: one ModelProcess per model (created by an injected
// factory), a Scheduler deciding what runs when, preload at start, config reloads that keep
// what did not change (reconfigure.ts) and a graceful shutdown whose drain is bounded like an
// unload's (graceMs, and each model's unloadTimeout).
import { EventEmitter } from 'node:events';
import { getProcessKey } from '../config/model-fingerprint.js';
import type { Config, ModelConfig } from '../config/types.js';
import type { ModelProcess, ProcessEvents } from '../process/types.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { createDeferred } from '../shared/deferred.js';
import { abortedError, shuttingDownError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { logExited, logUnloaded } from './lifecycle-log.js';
import { ModelEntry, type AttachedProcess } from './model-entry.js';
import { reconfigure, type ReconfigureHost } from './reconfigure.js';
import { Scheduler } from './scheduler.js';
import { concurrencyLimitError, modelNotFoundError } from './supervisor-errors.js';
import { assertPhaseTransition, type SupervisorPhase } from './supervisor-phase.js';
import type { AcquireOptions, Lease, ModelStatus, ReloadableSupervisor, ReloadSummary, SupervisorEvents } from './types.js';

export const DEFAULT_STARVATION_MS = 10_000;
const NO_OPTIONS: AcquireOptions = Object.freeze({});

export interface SupervisorDeps {
  /** startPort: the config's, at the time (a reload may change it). */
  readonly createProcess: (model: ModelConfig, startPort: number) => ModelProcess;
  /** Kills upstreams a previous run of the daemon left behind; awaited by start(). */
  readonly reapOrphans?: () => Promise<unknown>;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** How long a queued swap may wait before the running model takes no new requests. */
  readonly starvationMs?: number;
}

export function createSupervisor(config: Config, deps: SupervisorDeps): ReloadableSupervisor {
  return new ProcessSupervisor(config, deps);
}

interface ShutdownRun {
  readonly done: Promise<void>;
  /** A second, forced shutdown: skip the grace wait and kill hard. */
  hurry(): void;
}

class ProcessSupervisor extends EventEmitter<SupervisorEvents> implements ReloadableSupervisor {
  private readonly entries = new Map<string, ModelEntry>();
  private readonly scheduler: Scheduler;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private phase: SupervisorPhase = 'open';
  private shutdownRun: ShutdownRun | null = null;
  /** The reconfigure in progress (settled either way), or null. */
  private reconfiguring: Promise<void> | null = null;
  /** Shutdowns of processes a reload let go (a shutdown waits for them too). */
  private readonly retiring = new Set<Promise<void>>();
  private readonly reconfigureHost: ReconfigureHost;

  constructor(
    private config: Config,
    private readonly deps: SupervisorDeps,
  ) {
    super();
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger;
    const attach = (entry: ModelEntry): AttachedProcess => this.attach(entry, config);
    for (const model of config.models) this.entries.set(model.id, new ModelEntry(model, attach));
    this.scheduler = new Scheduler(this.entries, {
      config,
      clock: this.clock,
      logger: this.logger,
      starvationMs: deps.starvationMs ?? DEFAULT_STARVATION_MS,
      renewProcess: (entry) => this.renewProcess(entry),
    });
    this.reconfigureHost = {
      entries: this.entries,
      scheduler: this.scheduler,
      logger: this.logger,
      getConfig: () => this.config,
      isOpen: () => this.phase === 'open',
      attach: (entry, next) => this.attach(entry, next),
      retire: (process) => this.retire(process),
      commit: (next) => {
        this.config = next;
        this.scheduler.setConfig(next);
      },
    };
  }

  async start(): Promise<void> {
    if (this.deps.reapOrphans !== undefined) {
      try {
        await this.deps.reapOrphans();
      } catch (error) {
        this.logger.warn({ err: error }, 'reaping orphaned upstreams failed; continuing');
      }
    }
    for (const id of this.config.preload) {
      if (this.phase !== 'open') return;
      try {
        await this.load(id); // its start logs "id: ready in … ms"
      } catch (error) {
        this.logger.warn({ err: error, model: id }, 'preload failed');
      }
    }
  }

  async acquire(modelId: string, options: AcquireOptions = NO_OPTIONS): Promise<Lease> {
    const entry = this.getEntry(modelId);
    if (this.phase !== 'open') throw shuttingDownError();
    const limit = entry.model.concurrencyLimit;
    if (entry.inFlight + entry.queued >= limit) throw concurrencyLimitError(modelId, limit);
    if (options.signal?.aborted === true) throw abortedError(`waiting for model "${modelId}"`);
    return this.scheduler.tryAdmit(entry) ?? this.scheduler.enqueue(entry, options);
  }

  async load(modelId: string, signal?: AbortSignal): Promise<void> {
    const lease = await this.acquire(modelId, signal === undefined ? NO_OPTIONS : { signal });
    lease.release();
  }

  async unload(modelId: string, reason = 'unload'): Promise<void> {
    const entry = this.getEntry(modelId);
    if (this.shutdownRun !== null) return this.shutdownRun.done;
    await this.scheduler.unload([entry], reason);
  }

  async unloadAll(reason = 'unload'): Promise<void> {
    if (this.shutdownRun !== null) return this.shutdownRun.done;
    await this.scheduler.unload([...this.entries.values()], reason);
  }

  status(modelId: string): ModelStatus {
    return toStatus(this.getEntry(modelId));
  }

  reconfigure(config: Config): Promise<ReloadSummary> {
    const previous = this.reconfiguring;
    const run = previous === null ? reconfigure(this.reconfigureHost, config) : previous.then(() => reconfigure(this.reconfigureHost, config));
    const settled = run.then(
      () => undefined,
      () => undefined, // the caller gets the failure; the next reconfigure runs all the same
    );
    this.reconfiguring = settled;
    void settled.then(() => {
      if (this.reconfiguring === settled) this.reconfiguring = null;
    });
    return run;
  }

  statuses(): readonly ModelStatus[] {
    return [...this.entries.values()].map(toStatus);
  }

  logTail(modelId: string, count?: number): string[] {
    return this.getEntry(modelId).process.logTail(count);
  }

  shutdown(options: { graceMs: number; force?: boolean }): Promise<void> {
    const force = options.force === true;
    if (this.shutdownRun !== null) {
      if (force) this.shutdownRun.hurry();
      return this.shutdownRun.done;
    }
    const hurried = createDeferred<void>();
    let forced = force;
    const done = this.runShutdown(options.graceMs, hurried.promise, () => forced);
    this.shutdownRun = {
      done,
      hurry: () => {
        forced = true;
        hurried.resolve();
        // Already past the wait: escalate the graceful stops in progress.
        if (this.phase === 'stopping') void this.shutdownProcesses(true, false);
      },
    };
    return done;
  }

  private async runShutdown(graceMs: number, hurried: Promise<void>, isForced: () => boolean): Promise<void> {
    this.setPhase('draining');
    this.scheduler.close();
    if (this.scheduler.inFlight > 0 && graceMs > 0) {
      const graceOver = createDeferred<void>();
      const timer = this.clock.setTimeout(() => graceOver.resolve(), graceMs);
      await Promise.race([this.scheduler.whenDrained(), graceOver.promise, hurried]);
      timer.cancel();
    }
    // What is still in flight gets a proper error from the proxy before its upstream goes away.
    this.scheduler.revokeAll(shuttingDownError());
    this.setPhase('stopping');
    await this.shutdownProcesses(isForced());
    this.scheduler.stops.settleAll();
    this.setPhase('closed');
  }

  /** report: log each model it takes down (false when a forced shutdown hurries one in progress). */
  private async shutdownProcesses(force: boolean, report = true): Promise<void> {
    const entries = [...this.entries.values()];
    const startedAt = this.clock.now();
    const results = await Promise.allSettled(
      entries.map(async (entry) => {
        const { process } = entry;
        const running = process.state !== 'stopped' && process.state !== 'shutdown';
        await process.shutdown(force ? { force: true } : undefined);
        if (report && running) logUnloaded(this.logger, entry.model, 'shutdown', this.clock.now() - startedAt);
      }),
    );
    results.forEach((result, index) => {
      if (result.status === 'rejected') {
        this.logger.error({ err: result.reason, model: entries[index]?.id }, 'upstream shutdown failed');
      }
    });
    await Promise.all(this.retiring);
  }

  /** Lets go of a process a reload replaced or removed (stopped by then, unless its stop failed). */
  private retire(process: ModelProcess): void {
    const done = process.shutdown().catch((error: unknown) => {
      this.logger.error({ err: error, model: process.modelId }, 'upstream shutdown failed');
    });
    this.retiring.add(done);
    void done.then(() => this.retiring.delete(done));
  }

  // Before a start: a process built from settings a reload since changed (timeouts, startPort)
  // is replaced while it is stopped, so the start uses the new ones.
  private renewProcess(entry: ModelEntry): void {
    if (entry.process.state !== 'stopped' || entry.processKey === getProcessKey(entry.model, this.config.startPort)) return;
    this.retire(entry.replaceProcess((e) => this.attach(e, this.config)));
  }

  private setPhase(to: SupervisorPhase): void {
    assertPhaseTransition(this.phase, to);
    this.logger.info({ event: 'supervisor.phase', from: this.phase, to }, `shutdown: ${to}`);
    this.phase = to;
  }

  private attach(entry: ModelEntry, config: Config): AttachedProcess {
    const { model } = entry;
    const process = this.deps.createProcess(model, config.startPort);
    // Re-emit before acting on it, so listeners see changes in the order they happened.
    const onState: (...args: ProcessEvents['state']) => void = (change) => {
      this.scheduler.recordState(entry, change);
      this.emit('state', change);
      this.scheduler.pump();
    };
    const onLog: (...args: ProcessEvents['log']) => void = (line) => this.emit('log', { modelId: model.id, line });
    const onExit: (...args: ProcessEvents['unexpectedExit']) => void = (exit) => logExited(this.logger, model.id, exit, entry.inFlight);
    process.on('state', onState).on('log', onLog).on('unexpectedExit', onExit);
    return {
      process,
      key: getProcessKey(model, config.startPort),
      detach: () => void process.off('state', onState).off('log', onLog).off('unexpectedExit', onExit),
    };
  }

  private getEntry(modelId: string): ModelEntry {
    const entry = this.entries.get(modelId);
    if (entry === undefined) throw modelNotFoundError(modelId, [...this.entries.keys()]);
    return entry;
  }
}

function toStatus(entry: ModelEntry): ModelStatus {
  const { process } = entry;
  return {
    id: entry.id,
    state: process.state,
    pid: process.pid,
    port: process.port,
    baseUrl: process.baseUrl,
    inFlight: entry.inFlight,
    queued: entry.queued,
    lastStartMs: process.lastStartMs,
    lastFailure: process.lastFailure,
  };
}
