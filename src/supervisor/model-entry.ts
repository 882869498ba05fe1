// What the supervisor keeps per model besides the process itself: requests in flight and
// waiting, the TTL timer, and a memo of "can serve without evicting anyone".
import type { ModelConfig } from '../config/types.js';
import type { ProcessState, ModelProcess } from '../process/types.js';
import type { ModelLease } from './model-lease.js';
import type { ModelView } from './plan-schedule.js';

export class ModelEntry implements ModelView {
  /** Requests in flight (a drain deadline revokes them). */
  readonly leases = new Set<ModelLease>();
  /** Waiters for this model in the supervisor's queue. */
  queued = 0;
  ttlTimer: { cancel(): void } | null = null;
  /** When the supervisor last asked this model to start (for LoadProgress), or null. */
  loadStartedAt: number | null = null;
  /** The supervisor's running-set version at which evictionFree was computed. */
  checkedVersion = -1;
  evictionFree = false;

  constructor(
    readonly model: ModelConfig,
    readonly process: ModelProcess,
  ) {}

  get id(): string {
    return this.model.id;
  }

  get inFlight(): number {
    return this.leases.size;
  }

  get state(): ProcessState {
    return this.process.state;
  }

  get concurrencyLimit(): number {
    return this.model.concurrencyLimit;
  }

  cancelTtl(): void {
    if (this.ttlTimer === null) return;
    this.ttlTimer.cancel();
    this.ttlTimer = null;
  }
}
