// One pending "re-plan at time T" on the injected clock (when a queued swap starts starving).
import type { Clock } from '../shared/clock.js';

export class WakeTimer {
  private pending: { readonly at: number; readonly timer: { cancel(): void } } | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly onWake: () => void,
  ) {}

  /** Schedules the wake-up at `at` (replacing any other), or cancels it when null. */
  set(at: number | null): void {
    if (this.pending?.at === at) return;
    this.pending?.timer.cancel();
    this.pending = null;
    if (at === null) return;
    const timer = this.clock.setTimeout(
      () => {
        this.pending = null;
        this.onWake();
      },
      Math.max(0, at - this.clock.now()),
    );
    this.pending = { at, timer };
  }
}
