// An in-memory ModelProcess whose start and stop complete when the test says so, so the
// scheduler tests are deterministic with no sleeps and no child processes.
import { EventEmitter } from 'node:events';
import type { ModelConfig } from '../../src/config/types.js';
import {
  PROCESS_TRANSITIONS,
  type ModelProcess,
  type ProcessEvents,
  type ProcessFailure,
  type ProcessState,
} from '../../src/process/types.js';
import { createDeferred, type Deferred } from '../../src/shared/deferred.js';
import { abortedError } from '../../src/shared/errors.js';

let nextPid = 4000;

export class FakeProcess extends EventEmitter<ProcessEvents> implements ModelProcess {
  state: ProcessState = 'stopped';
  pid: number | null = null;
  port: number | null = null;
  baseUrl: string | null = null;
  lastStartMs: number | null = null;
  /** The fake keeps no failure record; real-process.test.ts covers it. */
  lastFailure: ProcessFailure | null = null;
  /** Transitions stopped → starting. */
  starts = 0;
  readonly stopReasons: string[] = [];
  readonly shutdownCalls: Array<{ force?: boolean } | undefined> = [];
  /** false: stop() stays in "stopping" until finishStop(). */
  autoStop = true;
  private start: Deferred<void> | null = null;
  private startWaiters = 0;
  private stopping: Deferred<void> | null = null;
  private readonly lines: string[] = [];

  constructor(readonly modelId: string) {
    super();
  }

  ensureReady(signal?: AbortSignal): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.state === 'shutdown') return Promise.reject(new Error(`fake ${this.modelId}: shut down`));
    if (this.state === 'stopping') {
      return Promise.reject(new Error(`fake ${this.modelId}: ensureReady while stopping (supervisor bug)`));
    }
    if (signal?.aborted === true) return Promise.reject(abortedError('fake start'));
    if (this.state === 'stopped') this.beginStart();
    const start = this.start;
    if (start === null) throw new Error(`fake ${this.modelId}: starting without a start`);
    this.startWaiters += 1;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        this.startWaiters -= 1;
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = (): void => {
        settle(abortedError('fake start'));
        if (this.startWaiters === 0 && this.state === 'starting') void this.stop('cancelled');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      start.promise.then(
        () => settle(),
        (error: unknown) => settle(error),
      );
    });
  }

  finishStart(startMs = 5): void {
    this.expectState('starting', 'finishStart');
    this.lastStartMs = startMs;
    this.transition('ready', 'request');
    this.start?.resolve();
    this.start = null;
  }

  failStart(error: unknown): void {
    this.expectState('starting', 'failStart');
    this.clearRun();
    this.transition('stopped', 'start-failed');
    this.start?.reject(error);
    this.start = null;
  }

  stop(reason: string): Promise<void> {
    this.stopReasons.push(reason);
    if (this.state === 'stopped' || this.state === 'shutdown') return Promise.resolve();
    if (this.state === 'stopping' && this.stopping !== null) return this.stopping.promise;
    this.start?.reject(abortedError('fake start (stopped)'));
    this.start = null;
    const stopping = createDeferred<void>();
    this.stopping = stopping;
    this.transition('stopping', reason);
    if (this.autoStop) queueMicrotask(() => this.finishStop());
    return stopping.promise;
  }

  finishStop(): void {
    if (this.state !== 'stopping') return;
    this.clearRun();
    this.transition('stopped', 'stopped');
    this.stopping?.resolve();
    this.stopping = null;
  }

  /** The upstream dies while ready (not asked to stop), saying `logTail` last. */
  crash(exitCode = 1, logTail: readonly string[] = []): void {
    this.expectState('ready', 'crash');
    const pid = this.pid ?? -1;
    this.clearRun();
    this.transition('stopped', 'exited');
    // As the real process: told once its last output arrived, after the state change.
    this.emit('unexpectedExit', { pid, exitCode, signal: null, logTail });
  }

  shutdown(options?: { force?: boolean }): Promise<void> {
    this.shutdownCalls.push(options);
    if (this.state === 'shutdown') return Promise.resolve();
    this.start?.reject(abortedError('fake start (shutdown)'));
    this.start = null;
    this.clearRun();
    this.transition('shutdown', 'shutdown');
    this.stopping?.resolve();
    this.stopping = null;
    return Promise.resolve();
  }

  logTail(count = this.lines.length): string[] {
    return this.lines.slice(Math.max(0, this.lines.length - count));
  }

  writeLog(line: string): void {
    this.lines.push(line);
    this.emit('log', line);
  }

  private beginStart(): void {
    this.starts += 1;
    this.start = createDeferred<void>();
    // Rejections reach the waiters through ensureReady; this copy may have none left.
    this.start.promise.catch(() => undefined);
    this.pid = nextPid++;
    this.port = 30_000 + (this.pid % 10_000);
    this.baseUrl = `http://fake-${this.modelId}.test:${this.port}`;
    this.transition('starting', 'request');
  }

  private clearRun(): void {
    this.pid = null;
    this.port = null;
    this.baseUrl = null;
  }

  private expectState(state: ProcessState, what: string): void {
    if (this.state !== state) throw new Error(`fake ${this.modelId}: ${what} in state ${this.state}`);
  }

  private transition(to: ProcessState, reason: string): void {
    const from = this.state;
    if (!PROCESS_TRANSITIONS[from].includes(to)) {
      throw new Error(`fake ${this.modelId}: illegal transition ${from} → ${to}`);
    }
    this.state = to;
    this.emit('state', { modelId: this.modelId, from, to, reason, at: Date.now(), pid: this.pid });
  }
}

export interface FakeFactory {
  readonly createProcess: (model: ModelConfig) => FakeProcess;
  get(modelId: string): FakeProcess;
  all(modelId: string): FakeProcess[];
}

export function createFakeFactory(): FakeFactory {
  const processes = new Map<string, FakeProcess[]>();
  return {
    createProcess: (model) => {
      const fake = new FakeProcess(model.id);
      processes.set(model.id, [...(processes.get(model.id) ?? []), fake]);
      return fake;
    },
    get: (modelId) => {
      const fake = processes.get(modelId)?.at(-1);
      if (fake === undefined) throw new Error(`no fake process for "${modelId}"`);
      return fake;
    },
    all: (modelId) => [...(processes.get(modelId) ?? [])],
  };
}

/** Resolves once the fake is in `state` (at once if it already is). */
export function waitForState(fake: FakeProcess, state: ProcessState): Promise<void> {
  if (fake.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const onState = (): void => {
      if (fake.state !== state) return;
      fake.off('state', onState);
      resolve();
    };
    fake.on('state', onState);
  });
}
