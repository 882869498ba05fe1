// Polls a health URL until it answers 200: first after ~10 ms, then ×1.5 up to 250 ms, and
// at once when nudged (a new output line often means "now listening").
import type { Clock } from '../shared/clock.js';
import { pause } from './process-liveness.js';
import { probeHealth } from './probe-health.js';

const FIRST_INTERVAL_MS = 10;
const MAX_INTERVAL_MS = 250;
const MAX_PROBE_MS = 1000;
const MIN_NUDGE_SPACING_MS = 10;

export interface HealthWaitOptions {
  readonly timeoutMs: number;
  /** Stops the wait (the result is then false). */
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

export interface HealthWait {
  /** True once healthy; false on timeout or abort. */
  readonly healthy: Promise<boolean>;
  /** Cut the current pause short (rate-limited). */
  nudge(): void;
}

export function waitForHealth(url: string, options: HealthWaitOptions): HealthWait {
  const { clock, signal } = options;
  let wake = new AbortController();
  let nudged = false;
  const nudge = (): void => {
    nudged = true;
    wake.abort();
  };
  const poll = async (): Promise<boolean> => {
    const deadline = clock.now() + options.timeoutMs;
    let intervalMs = FIRST_INTERVAL_MS;
    for (;;) {
      const probedAt = clock.now();
      if (deadline - probedAt <= 0 || signal.aborted) return false;
      nudged = false;
      if (await probeHealth(url, Math.min(MAX_PROBE_MS, deadline - probedAt), signal)) return true;
      if (!nudged) {
        wake = new AbortController();
        await pause(Math.max(0, Math.min(intervalMs, deadline - clock.now())), AbortSignal.any([signal, wake.signal]));
        intervalMs = Math.min(intervalMs * 1.5, MAX_INTERVAL_MS);
      }
      // A burst of output lines must not turn into a burst of probes.
      const spacingMs = MIN_NUDGE_SPACING_MS - (clock.now() - probedAt);
      if (spacingMs > 0) await pause(spacingMs, signal);
    }
  };
  return { healthy: poll(), nudge };
}
