// Polls a health URL until it answers 200: every 5 ms for the first 200 ms (a small model is
// up within tens of ms, and a refused probe costs well under a millisecond), then ×1.5 up to
// 250 ms for big models; and at once when nudged (a new output line often means "now
// listening"). One probe at a time: a nudge during a probe asks for another right after it.
import type { Clock } from '../shared/clock.js';
import { pause } from './process-liveness.js';
import { probeHealth } from './probe-health.js';

const FAST_INTERVAL_MS = 5;
const FAST_PHASE_MS = 200;
const BACKOFF_FACTOR = 1.5;
const MAX_INTERVAL_MS = 250;
const MAX_PROBE_MS = 1000;
/** A burst of output lines must not turn into a burst of probes. */
const MIN_PROBE_SPACING_MS = 2;

export interface HealthWaitOptions {
  readonly timeoutMs: number;
  /** Stops the wait (the result is then false). */
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

export interface HealthWait {
  /** True once healthy; false on timeout or abort. */
  readonly healthy: Promise<boolean>;
  /** Probe as soon as the current probe (if any) is done, without waiting for the interval. */
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
  // An abort also ends the current pause (and the loop then returns false).
  signal.addEventListener('abort', () => wake.abort(), { once: true });
  const poll = async (): Promise<boolean> => {
    const startedAt = clock.now();
    const deadline = startedAt + options.timeoutMs;
    let intervalMs = FAST_INTERVAL_MS;
    for (;;) {
      const probedAt = clock.now();
      if (deadline - probedAt <= 0 || signal.aborted) return false;
      nudged = false;
      if (await probeHealth(url, Math.min(MAX_PROBE_MS, deadline - probedAt), signal)) return true;
      if (signal.aborted) return false; // before a new `wake` replaces the one the abort ended
      // The interval runs from the start of the probe, so a slow answer (503 while loading) does not add to it.
      if (!nudged) {
        wake = new AbortController();
        const untilNextMs = Math.min(probedAt + intervalMs, deadline) - clock.now();
        if (untilNextMs > 0) await pause(untilNextMs, wake.signal);
      }
      const spacingMs = MIN_PROBE_SPACING_MS - (clock.now() - probedAt);
      if (spacingMs > 0) await pause(spacingMs, signal);
      if (clock.now() - startedAt >= FAST_PHASE_MS) intervalMs = Math.min(intervalMs * BACKOFF_FACTOR, MAX_INTERVAL_MS);
    }
  };
  return { healthy: poll(), nudge };
}
