// Carries out the scheduler's next step: stop the (drained) victims in parallel, then make
// the target ready. A start nobody waits for any more is cancelled through op.controller.
// It logs what it did, with its timings (lifecycle-log.ts): this is where they are known.
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { logReady, logStartFailed, logStarting, logSwap, logUnloaded } from './lifecycle-log.js';
import type { ModelEntry } from './model-entry.js';
import type { StopRequests } from './stop-requests.js';

/** The abort reason of a start cancelled because a config reload replaces its model. */
export const RELOAD_ABORT = 'reload';

export interface Op {
  /** The model to make ready, or null for a stop-only step (unload, TTL). */
  readonly target: string | null;
  readonly victims: readonly string[];
  readonly controller: AbortController;
  /** When the oldest request for the target began waiting (the swap's drain counts from there). */
  readonly queuedAt: number | null;
}

export interface OpHost {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stops: StopRequests;
  getEntry(modelId: string): ModelEntry;
  /** Tells the target's waiters that it is loading now. */
  markLoading(entry: ModelEntry): void;
  /** Rejects every waiter of the target with the start failure. */
  failWaiters(entry: ModelEntry, error: unknown): void;
  /** False once shutdown began: processes are then taken down by their own shutdown(). */
  isAccepting(): boolean;
  /** Gives a stopped model a fresh process when a reload left it one built from older settings. */
  renewProcess(entry: ModelEntry): void;
}

export async function runOp(op: Op, host: OpHost): Promise<void> {
  const { clock } = host;
  const startedAt = clock.now();
  const reason = op.target === null ? null : 'swap';
  await Promise.all(op.victims.map((id) => stopVictim(id, reason, host)));
  if (op.target === null) return;
  const stoppedMs = clock.now() - startedAt;
  const entry = host.getEntry(op.target);
  const readyMs = await startTarget(op, entry, host);
  if (readyMs === null) return;
  const { pid } = entry.process;
  if (op.victims.length === 0) {
    logReady(host.logger, entry.id, readyMs, pid);
  } else {
    const drainedMs = Math.max(0, startedAt - (op.queuedAt ?? startedAt));
    logSwap(host.logger, { target: entry.id, victims: op.victims, drainedMs, stoppedMs, readyMs }, pid);
  }
}

async function stopVictim(modelId: string, swapReason: string | null, host: OpHost): Promise<void> {
  const { process, model } = host.getEntry(modelId);
  const reason = swapReason ?? host.stops.reasonOf(modelId) ?? 'unload';
  const running = process.state !== 'stopped' && process.state !== 'shutdown';
  const startedAt = host.clock.now();
  try {
    await process.stop(reason);
    host.stops.settle(modelId);
    if (running) logUnloaded(host.logger, model, reason, host.clock.now() - startedAt);
  } catch (error) {
    host.logger.error({ err: error, model: modelId }, 'stopping model failed');
    host.stops.settle(modelId, error);
  }
}

/** Milliseconds the target took to be ready, or null when it did not get there. */
async function startTarget(op: Op, entry: ModelEntry, host: OpHost): Promise<number | null> {
  const { signal } = op.controller;
  if (entry.queued === 0 || signal.aborted) return null;
  // Stopped outside our control (e.g. a health failure): let that finish before starting.
  if (entry.process.state === 'stopping') await entry.process.stop('swap');
  host.renewProcess(entry);
  const { process } = entry;
  // Even a ready target (a swap that only evicts) counts as a load for its waiters.
  const loadStartedAt = host.clock.now();
  entry.loadStartedAt = loadStartedAt;
  host.markLoading(entry);
  if (process.state !== 'ready') logStarting(host.logger, entry.id);
  try {
    await process.ensureReady(signal);
    return host.clock.now() - loadStartedAt;
  } catch (error) {
    if (!signal.aborted) {
      logStartFailed(host.logger, entry.id, error, host.clock.now() - loadStartedAt);
      host.failWaiters(entry, error);
      return null;
    }
    const why = signal.reason === RELOAD_ABORT ? 'a config reload replaces the model' : 'nobody waits for it any more';
    host.logger.info({ model: entry.id }, `${entry.id}: load cancelled: ${why}`);
    const live = process.state === 'starting' || process.state === 'ready' || process.state === 'stopping';
    if (live && host.isAccepting()) await process.stop('cancelled');
    return null;
  }
}
