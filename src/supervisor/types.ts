// The contract the server layer consumes: ask for a lease on a ready model, forward, release.
import type { EventEmitter } from 'node:events';
import type { Config } from '../config/types.js';
import type { ProcessFailure, ProcessState, StateChange } from '../process/types.js';
import type { SwapgateError } from '../shared/errors.js';

/** Told when the supervisor takes a lease back: the request must end now (it is released either way). */
export interface LeaseRevokeListener {
  onLeaseRevoked(error: SwapgateError): void;
}

export interface Lease {
  readonly modelId: string;
  /** Upstream base URL for this run (no trailing slash). */
  readonly baseUrl: string;
  /** True when this request had to wait for a start (or a swap). */
  readonly waitedForLoad: boolean;
  /** Marks the request finished (idempotent). Starts the TTL clock when the last one ends. */
  release(): void;
  /**
   * Registers the one listener told if the lease is revoked: its model is being stopped and the
   * request outlived the drain deadline (unloadTimeout) or a shutdown. Told at once when that
   * already happened; null unregisters. A revoked lease counts as released.
   */
  onRevoke(listener: LeaseRevokeListener | null): void;
}

export type LoadProgress =
  | { readonly kind: 'queued'; readonly position: number }
  | { readonly kind: 'loading'; readonly elapsedMs: number }
  | { readonly kind: 'ready'; readonly loadMs: number };

export interface AcquireOptions {
  /** Aborting leaves the queue; if nobody waits for a load any more, it is cancelled. */
  readonly signal?: AbortSignal;
  /** Called when the request has to wait (for streaming loading-state frames). */
  readonly onProgress?: (progress: LoadProgress) => void;
}

export interface ModelStatus {
  readonly id: string;
  readonly state: ProcessState;
  readonly pid: number | null;
  readonly port: number | null;
  readonly baseUrl: string | null;
  readonly inFlight: number;
  readonly queued: number;
  readonly lastStartMs: number | null;
  /** The last failed start or crash (when, why, last log lines) until the next ready; or null. */
  readonly lastFailure: ProcessFailure | null;
}

/** What a reconfigure did, by model id (see config/model-fingerprint.ts for "changed"). */
export interface ReloadSummary {
  /** Same effective definition: its process, requests in flight and TTL clock were kept. */
  readonly kept: readonly string[];
  /** Changed: drained and stopped if it ran; its next request starts the new definition. */
  readonly restarted: readonly string[];
  readonly added: readonly string[];
  /** Drained and stopped if it ran; its waiting requests got model_not_found. */
  readonly removed: readonly string[];
  /** The processes the reload stopped (restarted or removed models that were running). */
  readonly stopped: readonly string[];
}

export interface SupervisorEvents {
  state: [StateChange];
  log: [{ modelId: string; line: string }];
}

export interface Supervisor extends EventEmitter<SupervisorEvents> {
  /** Reaps orphans of a previous run, then preloads hooks.on_startup.preload in order. */
  start(): Promise<void>;
  /**
   * Makes the model ready (swapping others out per the groups, after draining them) and
   * counts the request as in flight. Throws SwapgateError: model_not_found (404),
   * concurrency_limit (429), upstream_start_failed (502/504), shutting_down (503), aborted.
   */
  acquire(modelId: string, options?: AcquireOptions): Promise<Lease>;
  /** acquire + immediate release: start without a request. */
  load(modelId: string, signal?: AbortSignal): Promise<void>;
  /**
   * Closes the model to new requests, waits for those in flight at most its unloadTimeout (then
   * revokes their leases), and stops it. Concurrent calls share one stop.
   */
  unload(modelId: string, reason?: string): Promise<void>;
  unloadAll(reason?: string): Promise<void>;
  status(modelId: string): ModelStatus;
  statuses(): readonly ModelStatus[];
  logTail(modelId: string, count?: number): string[];
  /**
   * Stop accepting, wait for in-flight requests up to graceMs and at most each model's
   * unloadTimeout (then revoke their leases), stop everything.
   */
  shutdown(options: { graceMs: number; force?: boolean }): Promise<void>;
}

/** What the daemon's composition root holds: the server layer never reloads. */
export interface ReloadableSupervisor extends Supervisor {
  /**
   * Applies a new config, one reconfigure at a time. When none is in progress, its first step
   * happens before it returns: added models exist (their requests wait), and restarted and
   * removed ones take no new requests and start no more. Those are drained (at most their
   * unloadTimeout, as by an unload) and stopped while the old group rules still hold; then the
   * new rules and every in-place change apply at once. Kept models are never touched, so no two
   * members of a swap group run at the same moment, before, during or after. Rejects with
   * shutting_down when a shutdown overtakes it.
   */
  reconfigure(config: Config): Promise<ReloadSummary>;
}
