// How long a model closed for a stop (unload, swap, shutdown) may wait for its requests in
// flight: its unloadTimeout, counted from when it began draining. Then their leases are revoked
// (the proxy ends each request with `errorFor(entry)`) and the stop goes ahead.
import type { Clock } from '../shared/clock.js';
import type { SwapgateError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { ModelEntry } from './model-entry.js';

export class DrainDeadlines {
  private readonly timers = new Map<ModelEntry, { cancel(): void }>();

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly errorFor: (entry: ModelEntry) => SwapgateError,
  ) {}

  /** Keeps a deadline for exactly these entries: arms new ones, cancels those no longer draining. */
  set(draining: readonly ModelEntry[]): void {
    if (this.timers.size === 0 && draining.length === 0) return;
    for (const [entry, timer] of this.timers) {
      if (draining.includes(entry)) continue;
      timer.cancel();
      this.timers.delete(entry);
    }
    for (const entry of draining) this.arm(entry);
  }

  /** Arms the entry's deadline unless it already runs. */
  arm(entry: ModelEntry): void {
    if (this.timers.has(entry)) return;
    const fire = (): void => {
      this.timers.delete(entry);
      this.revoke(entry, this.errorFor(entry));
    };
    this.timers.set(entry, this.clock.setTimeout(fire, entry.model.unloadTimeoutMs));
  }

  /** Ends the entry's requests in flight now. */
  revoke(entry: ModelEntry, error: SwapgateError): void {
    if (entry.leases.size === 0) return;
    this.logger.warn({ model: entry.id, inFlight: entry.inFlight, code: error.code }, 'aborting requests still in flight');
    for (const lease of [...entry.leases]) lease.revoke(error);
  }

  cancelAll(): void {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }
}
