// The contract of one upstream process. Exactly one ModelProcess owns a model's process
// state; callers ask for outcomes (ensureReady, stop) and listen to events.
import type { EventEmitter } from 'node:events';
import type { ProcessFailure } from './process-failure.js';

export type { ProcessFailure };

export type ProcessState = 'stopped' | 'starting' | 'ready' | 'stopping' | 'shutdown';

/** Every legal transition; anything else is a bug and throws. */
export const PROCESS_TRANSITIONS: Readonly<Record<ProcessState, readonly ProcessState[]>> = {
  stopped: ['starting', 'shutdown'],
  starting: ['ready', 'stopping', 'stopped', 'shutdown'],
  ready: ['stopping', 'stopped', 'shutdown'],
  stopping: ['stopped', 'shutdown'],
  shutdown: [],
};

export interface StateChange {
  readonly modelId: string;
  readonly from: ProcessState;
  readonly to: ProcessState;
  /** e.g. "request", "swap", "ttl", "unload", "exited", "health-timeout", "shutdown". */
  readonly reason: string;
  readonly at: number;
  readonly pid: number | null;
}

/** How a ready process exited on its own, and what it said last. */
export interface UnexpectedExit {
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The run's last output lines, oldest first. */
  readonly logTail: readonly string[];
}

export interface ProcessEvents {
  state: [StateChange];
  /** One line of the upstream's stdout or stderr. */
  log: [string];
  /** The process exited while ready (not asked to stop); told once its last output arrived. */
  unexpectedExit: [UnexpectedExit];
}

export interface ModelProcess extends EventEmitter<ProcessEvents> {
  readonly modelId: string;
  readonly state: ProcessState;
  readonly pid: number | null;
  /** The port allocated for the current run, or null. */
  readonly port: number | null;
  /** proxy with ${PORT} substituted for the current run, or null when stopped. */
  readonly baseUrl: string | null;
  /** Milliseconds the last successful start took (spawn → healthy), or null. */
  readonly lastStartMs: number | null;
  /** The last failed start or crash, until the model is next ready; null when none. */
  readonly lastFailure: ProcessFailure | null;
  /**
   * Resolves when ready. Starts the process if stopped; joins a start in progress
   * (single-flight). Rejects with a SwapgateError (upstream_start_failed with exit code,
   * signal and log tail; aborted when the signal fires). An aborted waiter does not cancel
   * the start unless it was the last waiter.
   */
  ensureReady(signal?: AbortSignal): Promise<void>;
  /** Runs cmdStop or SIGTERMs the whole process tree, SIGKILLs it after unloadTimeout; resolves when every process of it is gone. */
  stop(reason: string): Promise<void>;
  /** Stop and refuse further starts. */
  shutdown(options?: { force?: boolean }): Promise<void>;
  /** Last lines of the process output, oldest first. */
  logTail(count?: number): string[];
}
