// The Supervisor the server consumes: one ModelProcess per model (created by an injected
// factory), a Scheduler deciding what runs when, preload at start and a graceful shutdown
// whose drain is bounded like an unload's (graceMs, and each model's unloadTimeout).
import { EventEmitter } from 'node:events';
import type { Config, ModelConfig } from '../config/types.js';
import type { ModelProcess } from '../process/types.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { createDeferred } from '../shared/deferred.js';
import { abortedError, shuttingDownError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { ModelEntry } from './model-entry.js';
import { Scheduler } from './scheduler.js';
import { concurrencyLimitError, modelNotFoundError } from './supervisor-errors.js';
import { assertPhaseTransition, type SupervisorPhase } from './supervisor-phase.js';
import type { AcquireOptions, Lease, ModelStatus, Supervisor, SupervisorEvents } from './types.js';

export const DEFAULT_STARVATION_MS = 10_000;
const NO_OPTIONS: AcquireOptions = Object.freeze({});

export interface SupervisorDeps {
  readonly createProcess: (model: ModelConfig) => ModelProcess;
  /** Kills upstreams a previous run of the daemon left behind; awaited by start(). */
  readonly reapOrphans?: () => Promise<unknown>;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** How long a queued swap may wait before the running model takes no new requests. */
  readonly starvationMs?: number;
}

export function createSupervisor(config: Config, deps: SupervisorDeps): Supervisor {
  return new ProcessSupervisor(config, deps);
}

interface ShutdownRun {
  readonly done: Promise<void>;
  /** A second, forced shutdown: skip the grace wait and kill hard. */
  hurry(): void;
}

class ProcessSupervisor extends EventEmitter<SupervisorEvents> implements Supervisor {
  private readonly entries = new Map<string, ModelEntry>();
  private readonly scheduler: Scheduler;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private phase: SupervisorPhase = 'open';
  private shutdownRun: ShutdownRun | null = null;

  constructor(
    private readonly config: Config,
    private readonly deps: SupervisorDeps,
  ) {
    super();
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger;
    for (const model of config.models) this.entries.set(model.id, this.createEntry(model));
    this.scheduler = new Scheduler(this.entries, {
      config,
      clock: this.clock,
      logger: this.logger,
      starvationMs: deps.starvationMs ?? DEFAULT_STARVATION_MS,
    });
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
        await this.load(id);
        this.logger.info({ model: id }, 'preloaded');
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
        if (this.phase === 'stopping') void this.shutdownProcesses(true);
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

  private async shutdownProcesses(force: boolean): Promise<void> {
    const entries = [...this.entries.values()];
    const results = await Promise.allSettled(
      entries.map((entry) => entry.process.shutdown(force ? { force: true } : undefined)),
    );
    results.forEach((result, index) => {
      if (result.status === 'rejected') {
        this.logger.error({ err: result.reason, model: entries[index]?.id }, 'upstream shutdown failed');
      }
    });
  }

  private setPhase(to: SupervisorPhase): void {
    assertPhaseTransition(this.phase, to);
    this.logger.info({ from: this.phase, to }, 'supervisor phase');
    this.phase = to;
  }

  private createEntry(model: ModelConfig): ModelEntry {
    const process = this.deps.createProcess(model);
    const entry = new ModelEntry(model, process);
    // Re-emit before acting on it, so listeners see changes in the order they happened.
    process.on('state', (change) => {
      this.scheduler.recordState(entry, change);
      this.emit('state', change);
      this.scheduler.pump();
    });
    process.on('log', (line) => this.emit('log', { modelId: model.id, line }));
    process.on('unexpectedExit', (exit) => {
      this.logger.warn({ model: model.id, ...exit, inFlight: entry.inFlight }, 'upstream exited unexpectedly');
    });
    return entry;
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
