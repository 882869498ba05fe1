// The one object the hot path allocates: a claim on a ready model, released exactly once, that
// the supervisor can take back (revoke) when the model must stop and the request outlived its
// drain deadline.
import type { SwapgateError } from '../shared/errors.js';
import type { LeaseRevokeListener, Lease } from './types.js';
import type { ModelEntry } from './model-entry.js';

export class ModelLease implements Lease {
  private released = false;
  private listener: LeaseRevokeListener | null = null;
  private revokedBy: SwapgateError | null = null;

  constructor(
    readonly entry: ModelEntry,
    readonly baseUrl: string,
    readonly waitedForLoad: boolean,
    private readonly onRelease: (lease: ModelLease) => void,
  ) {}

  get modelId(): string {
    return this.entry.id;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.listener = null;
    this.onRelease(this);
  }

  onRevoke(listener: LeaseRevokeListener | null): void {
    if (listener !== null && this.revokedBy !== null) listener.onLeaseRevoked(this.revokedBy);
    else this.listener = this.released ? null : listener;
  }

  /** Tells the listener first (it ends the request and usually releases), then releases regardless. */
  revoke(error: SwapgateError): void {
    if (this.released) return;
    this.revokedBy = error;
    const listener = this.listener;
    this.listener = null;
    try {
      listener?.onLeaseRevoked(error);
    } finally {
      this.release();
    }
  }
}
