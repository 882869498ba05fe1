// The lifecycle lines a person reads at info level: "a: starting", "a: ready in 412 ms",
// "swap a → b: drained in 3 ms, stopped in 80 ms, b ready in 438 ms", "a: unloaded (ttl 300 s)
// in 80 ms", "a: exited unexpectedly (code 1)". Each is one record whose `event` names it and
// whose fields carry the same facts for machines; the supervisor calls these where it decides.
import type { ModelConfig } from '../config/types.js';
import type { UnexpectedExit } from '../process/types.js';
import type { Logger } from '../shared/logger.js';

export interface SwapTimings {
  readonly target: string;
  readonly victims: readonly string[];
  /** From the first request for the target queuing to its victims having none in flight. */
  readonly drainedMs: number;
  /** Until every victim was stopped. */
  readonly stoppedMs: number;
  /** The target's start. */
  readonly readyMs: number;
}

export function logStarting(logger: Logger, modelId: string): void {
  logger.info({ event: 'model.starting', model: modelId }, `${modelId}: starting`);
}

export function logReady(logger: Logger, modelId: string, readyMs: number, pid: number | null): void {
  logger.info({ event: 'model.ready', model: modelId, readyMs, pid }, `${modelId}: ready in ${readyMs} ms`);
}

export function logSwap(logger: Logger, swap: SwapTimings, pid: number | null): void {
  const { target, victims, drainedMs, stoppedMs, readyMs } = swap;
  logger.info(
    { event: 'model.swap', model: target, victims, drainedMs, stoppedMs, readyMs, pid },
    `swap ${victims.join(', ')} → ${target}: drained in ${drainedMs} ms, stopped in ${stoppedMs} ms, ${target} ready in ${readyMs} ms`,
  );
}

/** reason: the stop's ("ttl", "api", "swap", "reload", "unload", "shutdown"). */
export function logUnloaded(logger: Logger, model: ModelConfig, reason: string, stoppedMs: number): void {
  const why = reason === 'ttl' ? `ttl ${model.ttlMs / 1000} s` : reason;
  logger.info({ event: 'model.unloaded', model: model.id, reason, stoppedMs }, `${model.id}: unloaded (${why}) in ${stoppedMs} ms`);
}

export function logStartFailed(logger: Logger, modelId: string, error: unknown, failedMs: number): void {
  logger.warn({ event: 'model.start_failed', model: modelId, failedMs, err: error }, `${modelId}: failed to start after ${failedMs} ms`);
}

export function logExited(logger: Logger, modelId: string, exit: UnexpectedExit, inFlight: number): void {
  const how = exit.signal === null ? `code ${exit.exitCode ?? 'none'}` : `signal ${exit.signal}`;
  logger.warn(
    { event: 'model.exited', model: modelId, pid: exit.pid, exitCode: exit.exitCode, signal: exit.signal, inFlight, logTail: exit.logTail },
    `${modelId}: exited unexpectedly (${how})${inFlight > 0 ? `, ${inFlight} request(s) in flight` : ''}`,
  );
}
