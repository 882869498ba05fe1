// The record of a model's last failure (a start that failed or timed out, or a crash while
// ready), kept after the request that saw it is gone, so an operator can see what happened.
import { isSwapgateError, type ErrorCode } from '../shared/errors.js';

export interface ProcessFailure {
  /** When it failed (ms since the epoch, from the process's clock). */
  readonly atMs: number;
  readonly code: ErrorCode;
  /** One line: what failed, with exit code and signal when it exited. */
  readonly message: string;
  /** The state-change reason of the stop it caused: "start-failed", "exited", "health-timeout". */
  readonly reason: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** The run's last output lines, oldest first (as in the 502 body). */
  readonly logTail: readonly string[];
}

/** The failure a start threw (upstream_start_failed and the like). */
export function getStartFailure(error: unknown, atMs: number, reason: string, logTail: readonly string[]): ProcessFailure {
  if (!isSwapgateError(error)) {
    return { atMs, code: 'internal', message: String(error), reason, exitCode: null, signal: null, timedOut: false, logTail };
  }
  const { details } = error;
  return {
    atMs,
    code: error.code,
    // The message repeats the log tail after its first line; the tail is kept apart here.
    message: error.message.split('\n', 1)[0] ?? error.message,
    reason,
    exitCode: typeof details.exit_code === 'number' ? details.exit_code : null,
    signal: typeof details.signal === 'string' ? details.signal : null,
    timedOut: details.timed_out === true,
    logTail,
  };
}

/** A ready upstream that exited without being asked to. */
export function getCrashFailure(
  modelId: string,
  exit: { exitCode: number | null; signal: string | null },
  atMs: number,
  logTail: readonly string[],
): ProcessFailure {
  return {
    atMs,
    code: 'upstream_died',
    message: `model "${modelId}" exited unexpectedly (code ${exit.exitCode ?? 'none'}, signal ${exit.signal ?? 'none'})`,
    reason: 'exited',
    exitCode: exit.exitCode,
    signal: exit.signal,
    timedOut: false,
    logTail,
  };
}
