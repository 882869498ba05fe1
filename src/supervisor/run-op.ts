// Carries out the scheduler's next step: stop the (drained) victims in parallel, then make
// the target ready. A start nobody waits for any more is cancelled through op.controller.
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { ModelEntry } from './model-entry.js';
import type { StopRequests } from './stop-requests.js';

export interface Op {
  /** The model to make ready, or null for a stop-only step (unload, TTL). */
  readonly target: string | null;
  readonly victims: readonly string[];
  readonly controller: AbortController;
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
}

export async function runOp(op: Op, host: OpHost): Promise<void> {
  const reason = op.target === null ? null : 'swap';
  await Promise.all(op.victims.map((id) => stopVictim(id, reason, host)));
  if (op.target !== null) await startTarget(op, host.getEntry(op.target), host);
}

async function stopVictim(modelId: string, swapReason: string | null, host: OpHost): Promise<void> {
  const { process } = host.getEntry(modelId);
  try {
    await process.stop(swapReason ?? host.stops.reasonOf(modelId) ?? 'unload');
    host.stops.settle(modelId);
  } catch (error) {
    host.logger.error({ err: error, model: modelId }, 'stopping model failed');
    host.stops.settle(modelId, error);
  }
}

async function startTarget(op: Op, entry: ModelEntry, host: OpHost): Promise<void> {
  const { signal } = op.controller;
  if (entry.queued === 0 || signal.aborted) return;
  const { process } = entry;
  // Stopped outside our control (e.g. a health failure): let that finish before starting.
  if (process.state === 'stopping') await process.stop('swap');
  // Even a ready target (a swap that only evicts) counts as a load for its waiters.
  entry.loadStartedAt = host.clock.now();
  host.markLoading(entry);
  try {
    await process.ensureReady(signal);
  } catch (error) {
    if (!signal.aborted) {
      host.logger.warn({ err: error, model: entry.id }, 'model failed to start');
      host.failWaiters(entry, error);
      return;
    }
    host.logger.info({ model: entry.id }, 'load cancelled: nobody waits for it any more');
    const live = process.state === 'starting' || process.state === 'ready' || process.state === 'stopping';
    if (live && host.isAccepting()) await process.stop('cancelled');
  }
}
