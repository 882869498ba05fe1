// What the supervisor keeps per model besides the process itself: requests in flight and
// waiting, the TTL timer, and a memo of "can serve without evicting anyone". The entry outlives
// config reloads: a reload updates its model in place, and gives it a new process only while the
// old one is stopped (see reconfigure.ts).
import type { ModelConfig } from '../config/types.js';
import type { ProcessState, ModelProcess } from '../process/types.js';
import type { ModelLease } from './model-lease.js';
import type { ModelView } from './plan-schedule.js';

/** A process with the supervisor's listeners on it, and how to take them off. */
export interface AttachedProcess {
  readonly process: ModelProcess;
  /** getProcessKey() of the model and startPort it was built from. */
  readonly key: string;
  detach(): void;
}

export class ModelEntry implements ModelView {
  /** Requests in flight (a drain deadline revokes them). */
  readonly leases = new Set<ModelLease>();
  /** Waiters for this model in the supervisor's queue. */
  queued = 0;
  ttlTimer: { cancel(): void } | null = null;
  /** When its last request in flight ended (the TTL clock counts from here). */
  idleSince = 0;
  /** When the supervisor last asked this model to start (for LoadProgress), or null. */
  loadStartedAt: number | null = null;
  /** The supervisor's running-set version at which evictionFree was computed. */
  checkedVersion = -1;
  evictionFree = false;

  private attached: AttachedProcess;

  /** `attach` builds the entry's process from entry.model and puts the supervisor's listeners on it. */
  constructor(
    public model: ModelConfig,
    attach: (entry: ModelEntry) => AttachedProcess,
  ) {
    this.attached = attach(this);
  }

  get id(): string {
    return this.model.id;
  }

  get process(): ModelProcess {
    return this.attached.process;
  }

  get processKey(): string {
    return this.attached.key;
  }

  /** Swaps in a process built from the current model; returns the previous one, detached. */
  replaceProcess(attach: (entry: ModelEntry) => AttachedProcess): ModelProcess {
    const previous = this.attached;
    previous.detach();
    this.attached = attach(this);
    this.loadStartedAt = null;
    this.checkedVersion = -1;
    return previous.process;
  }

  /** The entry leaves the supervisor: its process, without the supervisor's listeners. */
  detachProcess(): ModelProcess {
    this.attached.detach();
    return this.attached.process;
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
