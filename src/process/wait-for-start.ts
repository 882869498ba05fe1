// Decides how a start ends: healthy, the process exited, the health deadline passed, or
// the start was cancelled, whichever comes first.
import type { Clock } from '../shared/clock.js';
import type { SpawnedUpstream } from './spawn-upstream.js';
import { waitForHealth } from './wait-for-health.js';

export type StartOutcome = 'healthy' | 'exited' | 'timeout' | 'cancelled';

export interface StartWaitOptions {
  /** null: ready as soon as it is spawned. */
  readonly healthUrl: string | null;
  readonly timeoutMs: number;
  readonly cancel: AbortSignal;
  readonly clock: Clock;
  /** Receives a function that triggers an early probe (call it on every output line). */
  readonly onNudge: (nudge: () => void) => void;
}

export async function waitForStart(upstream: SpawnedUpstream, options: StartWaitOptions): Promise<StartOutcome> {
  if (options.cancel.aborted) return 'cancelled';
  if (upstream.exitInfo() !== null) return 'exited';
  if (options.healthUrl === null) return 'healthy';
  const stopProbing = new AbortController();
  const health = waitForHealth(options.healthUrl, {
    timeoutMs: options.timeoutMs,
    signal: AbortSignal.any([options.cancel, stopProbing.signal]),
    clock: options.clock,
  });
  options.onNudge(health.nudge);
  const cancelled = new Promise<'cancelled'>((resolve) => {
    options.cancel.addEventListener('abort', () => resolve('cancelled'), { once: true });
    stopProbing.signal.addEventListener('abort', () => resolve('cancelled'), { once: true });
  });
  try {
    const outcome = await Promise.race([
      health.healthy.then((healthy): StartOutcome => (healthy ? 'healthy' : 'timeout')),
      upstream.exited.then((): StartOutcome => 'exited'),
      cancelled,
    ]);
    // A probe may have succeeded in the same tick the process died; the exit wins.
    if (options.cancel.aborted) return 'cancelled';
    return upstream.exitInfo() !== null ? 'exited' : outcome;
  } finally {
    stopProbing.abort();
    options.onNudge(() => undefined);
  }
}
