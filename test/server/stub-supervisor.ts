// A Supervisor for server tests: "starting" a model spawns the real fake upstream
// (test/fixtures/fake-upstream.mjs) on port 0. Tests can hold a start open, make the next start
// fail, crash a running upstream, read the in-flight count the leases maintain, and revoke them.
import { EventEmitter } from 'node:events';
import type { Config, ModelConfig } from '../../src/config/types.js';
import type { ProcessState } from '../../src/process/types.js';
import { createDeferred, type Deferred } from '../../src/shared/deferred.js';
import { SwapgateError, abortedError, upstreamStartError } from '../../src/shared/errors.js';
import type { LogHub } from '../../src/shared/log-hub.js';
import type { AcquireOptions, Lease, LeaseRevokeListener, ModelStatus, Supervisor, SupervisorEvents } from '../../src/supervisor/types.js';
import { killFake, spawnFake, type FakeUpstream } from '../helpers/spawn-fake.js';

export interface StubModelOptions {
  /** Extra fake-upstream flags (e.g. ["--chunks", "3"]). */
  readonly args?: readonly string[];
  /** Appended to the lease's baseUrl, e.g. "/echo" to see exactly what the proxy sends. */
  readonly basePath?: string;
}

interface Run {
  state: ProcessState;
  fake: FakeUpstream | null;
  starting: Promise<FakeUpstream> | null;
  inFlight: number;
  /** One function per live lease that revokes it. */
  revokers: Set<(error: SwapgateError) => void>;
  lastStartMs: number | null;
}

export class StubSupervisor extends EventEmitter<SupervisorEvents> implements Supervisor {
  private readonly models: Map<string, ModelConfig>;
  private readonly runs = new Map<string, Run>();
  private readonly gates = new Map<string, Deferred<void>>();
  private readonly failures = new Map<string, SwapgateError>();
  /** Every acquire that produced a lease, in order. */
  readonly acquired: string[] = [];

  constructor(
    config: Config,
    private readonly options: Readonly<Record<string, StubModelOptions>> = {},
    private readonly hub?: LogHub,
  ) {
    super();
    this.models = new Map(config.models.map((m) => [m.id, m]));
    for (const id of this.models.keys()) this.runs.set(id, { state: 'stopped', fake: null, starting: null, inFlight: 0, revokers: new Set(), lastStartMs: null });
  }

  /** The next start of this model waits until the returned function is called. */
  holdStart(modelId: string): () => void {
    const gate = createDeferred<void>();
    this.gates.set(modelId, gate);
    return () => gate.resolve();
  }

  failNextStart(modelId: string, error: SwapgateError): void {
    this.failures.set(modelId, error);
  }

  fake(modelId: string): FakeUpstream {
    const fake = this.getRun(modelId).fake;
    if (fake === null) throw new Error(`model ${modelId} is not running`);
    return fake;
  }

  inFlight(modelId: string): number {
    return this.getRun(modelId).inFlight;
  }

  /** Takes back every lease of the model, as the real supervisor does when a drain deadline passes. */
  revokeLeases(modelId: string, error: SwapgateError): void {
    for (const revoke of [...this.getRun(modelId).revokers]) revoke(error);
  }

  /** Kills the upstream behind the supervisor's back: it still reports "ready". */
  async crash(modelId: string): Promise<void> {
    await killFake(this.fake(modelId));
  }

  /** The supervisor notices a crashed upstream: "stopped", with a state event. */
  noticeExit(modelId: string): void {
    const run = this.getRun(modelId);
    const pid = run.fake?.pid ?? null;
    run.fake = null;
    run.state = 'stopped';
    this.emit('state', { modelId, from: 'ready', to: 'stopped', reason: 'exited', at: Date.now(), pid });
  }

  async start(): Promise<void> {}

  async acquire(modelId: string, options: AcquireOptions = {}): Promise<Lease> {
    const run = this.getRun(modelId);
    const waitedForLoad = run.state !== 'ready';
    if (waitedForLoad) {
      const startedAt = Date.now();
      options.onProgress?.({ kind: 'loading', elapsedMs: 0 });
      await this.ensureStarted(modelId, run, options.signal);
      options.onProgress?.({ kind: 'ready', loadMs: Date.now() - startedAt });
    }
    if (options.signal?.aborted) throw abortedError('acquire');
    const fake = this.fake(modelId);
    run.inFlight++;
    this.acquired.push(modelId);
    let released = false;
    let listener: LeaseRevokeListener | null = null;
    let revokedBy: SwapgateError | null = null;
    const release = (): void => {
      if (released) return;
      released = true;
      listener = null;
      run.inFlight--;
      run.revokers.delete(revoke);
    };
    const revoke = (error: SwapgateError): void => {
      revokedBy = error;
      const told = listener;
      listener = null;
      told?.onLeaseRevoked(error);
      release();
    };
    run.revokers.add(revoke);
    return {
      modelId,
      baseUrl: fake.baseUrl + (this.options[modelId]?.basePath ?? ''),
      waitedForLoad,
      release,
      onRevoke: (next) => {
        if (next !== null && revokedBy !== null) next.onLeaseRevoked(revokedBy);
        else listener = released ? null : next;
      },
    };
  }

  async load(modelId: string, signal?: AbortSignal): Promise<void> {
    const lease = await this.acquire(modelId, signal === undefined ? {} : { signal });
    lease.release();
  }

  async unload(modelId: string): Promise<void> {
    const run = this.getRun(modelId);
    const fake = run.fake;
    run.fake = null;
    run.state = 'stopped';
    if (fake) await killFake(fake, 'SIGTERM');
  }

  async unloadAll(): Promise<void> {
    await Promise.all([...this.runs.keys()].map((id) => this.unload(id)));
  }

  status(modelId: string): ModelStatus {
    const run = this.getRun(modelId);
    return {
      id: modelId,
      state: run.state,
      pid: run.fake?.pid ?? null,
      port: run.fake?.port ?? null,
      baseUrl: run.fake?.baseUrl ?? null,
      inFlight: run.inFlight,
      queued: 0,
      lastStartMs: run.lastStartMs,
      lastFailure: null,
    };
  }

  statuses(): readonly ModelStatus[] {
    return [...this.runs.keys()].map((id) => this.status(id));
  }

  logTail(modelId: string, count = 20): string[] {
    const fake = this.getRun(modelId).fake;
    return fake === null ? [] : [...fake.lines(), ...fake.stderrLines()].slice(-count);
  }

  async shutdown(): Promise<void> {
    await this.unloadAll();
  }

  private getRun(modelId: string): Run {
    const run = this.runs.get(modelId);
    if (run === undefined) {
      throw new SwapgateError('model_not_found', `model "${modelId}" is not configured`, { status: 404, type: 'not_found_error' });
    }
    return run;
  }

  private async ensureStarted(modelId: string, run: Run, signal: AbortSignal | undefined): Promise<void> {
    if (run.starting === null) {
      run.state = 'starting';
      run.starting = this.spawn(modelId, run).finally(() => {
        run.starting = null;
      });
    }
    const starting = run.starting;
    if (signal === undefined) {
      await starting;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(abortedError('acquire'));
      signal.addEventListener('abort', onAbort, { once: true });
      starting.then(
        () => resolve(),
        (error: unknown) => reject(error),
      ).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async spawn(modelId: string, run: Run): Promise<FakeUpstream> {
    const startedAt = Date.now();
    try {
      const gate = this.gates.get(modelId);
      this.gates.delete(modelId);
      if (gate) await gate.promise;
      const failure = this.failures.get(modelId);
      this.failures.delete(modelId);
      if (failure) throw failure;
      const fake = await spawnFake(['--port', '0', '--model', modelId, ...(this.options[modelId]?.args ?? [])]);
      for (const line of fake.lines()) this.hub?.upstream(modelId, line);
      run.fake = fake;
      run.state = 'ready';
      run.lastStartMs = Date.now() - startedAt;
      return fake;
    } catch (error) {
      run.state = 'stopped';
      if (error instanceof SwapgateError) throw error;
      const failure = { modelId, exitCode: null, signal: null, timedOut: false, durationMs: Date.now() - startedAt, logTail: [] };
      throw upstreamStartError(failure, error);
    }
  }
}
