// The one owner of a model's upstream process. Its state changes only through transition(),
// which enforces PROCESS_TRANSITIONS and emits every change; callers ask for outcomes.
import { EventEmitter } from 'node:events';
import type { ModelConfig } from '../config/types.js';
import { createDeferred } from '../shared/deferred.js';
import { abortedError, shuttingDownError, SwapgateError } from '../shared/errors.js';
import type { LineRing } from '../shared/log-hub.js';
import { describeStartFailure, launchRun } from './launch-run.js';
import { getCrashFailure, getStartFailure, type ProcessFailure } from './process-failure.js';
import { retireRun } from './retire-run.js';
import { createRunContext, type ActiveRun, type ModelProcessDeps, type RunContext } from './run-context.js';
import { waitForOutputDrain } from './spawn-upstream.js';
import { StartFlight } from './start-flight.js';
import { stopRun } from './stop-run.js';
import { PROCESS_TRANSITIONS, type ModelProcess, type ProcessEvents, type ProcessState } from './types.js';
import { waitForStart } from './wait-for-start.js';

export type { ModelProcessDeps };

interface StopOperation {
  readonly promise: Promise<void>;
  readonly force: AbortController;
}

export function createModelProcess(model: ModelConfig, deps: ModelProcessDeps): ModelProcess {
  return new UpstreamProcess(model, deps);
}

class UpstreamProcess extends EventEmitter<ProcessEvents> implements ModelProcess {
  readonly modelId: string;
  private current: ProcessState = 'stopped';
  private run: ActiveRun | null = null;
  private flight: StartFlight | null = null;
  private stopOp: StopOperation | null = null;
  /** Cleanup of runs that ended on their own, while any is pending; the next start waits for it. */
  private retiring: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  /** The last output of the run stopped last; a stop does not wait for it, shutdown does. */
  private lastOutput: Promise<void> = Promise.resolve();
  /** Set by shutdown({ force: true }): every stop from then on SIGKILLs at once. */
  private forceStops = false;
  private lastStart: number | null = null;
  private failure: ProcessFailure | null = null;
  /** Asks the health poller of a start in progress to probe now. */
  private nudgeHealth: () => void = () => undefined;
  private readonly ctx: RunContext;

  constructor(model: ModelConfig, deps: ModelProcessDeps) {
    super();
    this.modelId = model.id;
    this.ctx = createRunContext(model, deps);
  }

  get state(): ProcessState { return this.current; }
  get pid(): number | null { return this.run?.upstream.pid ?? null; }
  get port(): number | null { return this.run?.port ?? null; }
  get baseUrl(): string | null { return this.run?.target.baseUrl ?? null; }
  get lastStartMs(): number | null { return this.lastStart; }
  get lastFailure(): ProcessFailure | null { return this.failure; }

  ensureReady(signal?: AbortSignal): Promise<void> {
    if (this.closing !== null || this.current === 'shutdown') return Promise.reject(shuttingDownError());
    if (signal?.aborted === true) return Promise.reject(abortedError(`waiting for model "${this.modelId}"`));
    if (this.current === 'ready' && this.flight === null) return Promise.resolve();
    if (this.flight === null) {
      const flight = new StartFlight(this.modelId, (f) => this.abandon(f));
      this.flight = flight;
      const clear = (): void => {
        if (this.flight === flight) this.flight = null;
      };
      flight.done.then(clear, clear);
      flight.launch((cancel) => this.start(cancel));
    }
    return this.flight.join(signal);
  }

  stop(reason: string): Promise<void> {
    if (this.stopOp !== null) return this.stopOp.promise;
    if (this.current !== 'starting' && this.current !== 'ready') return Promise.resolve();
    return this.beginStop(reason).promise;
  }

  shutdown(options: { force?: boolean } = {}): Promise<void> {
    if (options.force === true) {
      this.forceStops = true;
      this.stopOp?.force.abort();
    }
    this.closing ??= this.close();
    return this.closing;
  }

  logTail(count?: number): string[] {
    return this.ctx.hub.history(this.modelId, count);
  }

  private transition(to: ProcessState, reason: string, pid: number | null = this.pid): void {
    const from = this.current;
    if (!PROCESS_TRANSITIONS[from].includes(to)) {
      throw new SwapgateError('internal', `model "${this.modelId}": illegal state change ${from} → ${to} (${reason})`, {
        status: 500,
        type: 'server_error',
      });
    }
    this.current = to;
    // The supervisor logs every other change as a lifecycle line (supervisor/lifecycle-log.ts).
    if (to === 'stopping') this.ctx.logger.debug({ from, to, reason, pid }, `${this.modelId}: stopping (${reason})`);
    this.emit('state', { modelId: this.modelId, from, to, reason, at: this.ctx.clock.now(), pid });
  }

  private async start(cancel: AbortSignal): Promise<void> {
    // Without a previous run to wait for, the state is 'starting' before ensureReady returns.
    if (this.stopOp !== null) await this.stopOp.promise;
    if (this.retiring !== null) await this.retiring;
    if (cancel.aborted) throw cancel.reason;
    this.transition('starting', 'request');
    const run = await this.launch(cancel);
    const outcome = await waitForStart(run.upstream, {
      healthUrl: run.target.healthUrl,
      timeoutMs: this.ctx.model.healthCheckTimeoutMs,
      cancel,
      clock: this.ctx.clock,
      onNudge: (nudge) => (this.nudgeHealth = nudge),
    });
    const durationMs = this.ctx.clock.now() - run.startedAt;
    if (outcome === 'cancelled') throw cancel.reason;
    if (outcome === 'healthy') {
      run.members.scan(); // helpers a wrapper starts before its server are on record from now on
      this.lastStart = durationMs;
      this.failure = null;
      this.transition('ready', 'healthy');
      return;
    }
    if (outcome === 'timeout') {
      const error = describeStartFailure(run, this.modelId, durationMs, true);
      this.failure = getStartFailure(error, this.ctx.clock.now(), 'health-timeout', run.tail.tail());
      await this.stop('health-timeout');
      throw error;
    }
    await waitForOutputDrain(run.upstream);
    const error = describeStartFailure(run, this.modelId, durationMs, false);
    if (cancel.aborted) throw error; // a stop() took over the cleanup meanwhile
    this.failure = getStartFailure(error, this.ctx.clock.now(), 'exited', run.tail.tail());
    this.endRun(run, 'exited');
    throw error;
  }

  // Allocates a port and spawns; on failure the state goes back to stopped (unless a stop took over).
  private async launch(cancel: AbortSignal): Promise<ActiveRun> {
    let run: ActiveRun;
    try {
      run = await launchRun(this.ctx, { startedAt: this.ctx.clock.now(), cancel, onLine: (tail, line) => this.onLine(tail, line) });
    } catch (error) {
      if (!cancel.aborted) {
        this.failure = getStartFailure(error, this.ctx.clock.now(), 'start-failed', []);
        this.transition('stopped', 'start-failed');
      }
      throw error;
    }
    this.run = run;
    void run.upstream.exited.then(() => this.onExit(run));
    return run;
  }

  private onLine(tail: LineRing, line: string): void {
    tail.push(line);
    this.ctx.hub.upstream(this.modelId, line);
    this.emit('log', line);
    this.nudgeHealth();
  }

  // The leader exited. During a start or a stop their own code handles it; when ready, it is news.
  private onExit(run: ActiveRun): void {
    if (this.run !== run || this.current !== 'ready') return;
    const exit = run.upstream.exitInfo() ?? { exitCode: null, signal: null };
    const failure = getCrashFailure(this.modelId, exit, this.ctx.clock.now(), run.tail.tail());
    this.failure = failure;
    this.endRun(run, 'exited');
    void waitForOutputDrain(run.upstream).then(() => {
      // Its last words may arrive after the exit; the record gets them unless a newer one replaced it.
      const logTail = run.tail.tail();
      if (this.failure === failure) this.failure = { ...failure, logTail };
      this.emit('unexpectedExit', { pid: run.upstream.pid, ...exit, logTail });
    });
  }

  // A run that ended on its own: state → stopped now, leftovers of its group are killed in the background.
  private endRun(run: ActiveRun, reason: string): void {
    this.run = null;
    this.transition('stopped', reason, run.upstream.pid);
    const cleanup = retireRun(this.ctx, run, true);
    const retiring: Promise<void> = Promise.all([this.retiring, cleanup]).then(() => {
      if (this.retiring === retiring) this.retiring = null;
    });
    this.retiring = retiring;
  }

  private abandon(flight: StartFlight): void {
    if (this.flight !== flight) return;
    flight.cancel(abortedError(`start of model "${this.modelId}"`));
    this.flight = null;
    if (this.current === 'starting') void this.stop('cancelled');
  }

  // Registered before it runs, so a 'state' listener that calls stop() joins this one.
  private beginStop(reason: string): StopOperation {
    const force = new AbortController();
    if (this.forceStops) force.abort();
    const done = createDeferred<void>();
    const op: StopOperation = { promise: done.promise, force };
    this.stopOp = op;
    const clear = (): void => {
      if (this.stopOp === op) this.stopOp = null;
    };
    op.promise.then(clear, clear);
    this.runStop(reason, force.signal).then(done.resolve, done.reject);
    return op;
  }

  private async runStop(reason: string, force: AbortSignal): Promise<void> {
    const run = this.run;
    if (this.current === 'starting' && this.flight !== null) {
      this.flight.cancel(abortedError(`start of model "${this.modelId}" (stopped: ${reason})`));
      this.flight = null;
    }
    this.transition('stopping', reason);
    if (run !== null) {
      await stopRun(this.ctx, run, force, (line) => this.onLine(run.tail, line));
      this.lastOutput = waitForOutputDrain(run.upstream);
    }
    if (this.run === run) this.run = null;
    this.transition('stopped', reason, run?.upstream.pid ?? null);
  }

  private async close(): Promise<void> {
    this.flight?.cancel(shuttingDownError());
    this.flight = null;
    if (this.stopOp !== null) await this.stopOp.promise;
    if (this.current === 'starting' || this.current === 'ready') await this.beginStop('shutdown').promise;
    if (this.retiring !== null) await this.retiring;
    await this.lastOutput; // its last words reach the log before the daemon exits
    await this.ctx.registry?.settled(); // a clean shutdown leaves no records behind
    this.transition('shutdown', 'shutdown');
  }
}
