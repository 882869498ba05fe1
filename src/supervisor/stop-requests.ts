// Models asked to stop once drained: by unload (closes the model to new requests and has a
// caller waiting) or by TTL (no caller; a new request cancels it).
import { createDeferred, type Deferred } from '../shared/deferred.js';
import type { StopRequestView } from './plan-schedule.js';

interface StopRequest extends StopRequestView {
  readonly reason: string;
  readonly closes: boolean;
  readonly done: Deferred<void> | null;
}

export class StopRequests {
  private readonly requests = new Map<string, StopRequest>();

  get views(): ReadonlyMap<string, StopRequestView> {
    return this.requests;
  }

  /** Records (or upgrades) a request; an unload (closes) gets a promise settled by the stop. */
  request(modelId: string, reason: string, closes: boolean): Promise<void> | null {
    const current = this.requests.get(modelId);
    if (!closes) {
      if (current === undefined) this.requests.set(modelId, { reason, closes, done: null });
      return current?.done?.promise ?? null;
    }
    const done = current?.done ?? createDeferred<void>();
    this.requests.set(modelId, { reason, closes, done });
    return done.promise;
  }

  /** A request arrived: a TTL stop no longer applies. */
  cancelTtl(modelId: string): void {
    if (this.requests.get(modelId)?.closes === false) this.requests.delete(modelId);
  }

  reasonOf(modelId: string): string | null {
    return this.requests.get(modelId)?.reason ?? null;
  }

  settle(modelId: string, error?: unknown): void {
    const request = this.requests.get(modelId);
    if (request === undefined) return;
    this.requests.delete(modelId);
    if (error === undefined) request.done?.resolve();
    else request.done?.reject(error);
  }

  settleAll(): void {
    for (const modelId of [...this.requests.keys()]) this.settle(modelId);
  }
}
