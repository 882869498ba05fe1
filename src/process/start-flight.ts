// One start in progress, shared by every ensureReady that arrives meanwhile (single-flight).
// Each waiter may leave on its own abort signal; when the last one leaves, the start is
// abandoned so an unwanted model does not keep loading.
import { createDeferred } from '../shared/deferred.js';
import { abortedError } from '../shared/errors.js';

export class StartFlight {
  private waiters = 0;
  private settled = false;
  private readonly cancelController = new AbortController();
  private readonly outcome = createDeferred<void>();

  /** @param onAbandoned called once when the last waiter left before the start settled. */
  constructor(
    readonly modelId: string,
    private readonly onAbandoned: (flight: StartFlight) => void,
  ) {
    const settle = (): void => {
      this.settled = true;
    };
    // Waiters get the outcome through join(); the flight itself may have none left to tell.
    this.outcome.promise.then(settle, settle);
  }

  /** Settles when the start does. */
  get done(): Promise<void> {
    return this.outcome.promise;
  }

  /**
   * Runs the start (separate from the constructor so the owner can register the flight
   * first); `start` must give up, throwing signal.reason, when the signal aborts.
   */
  launch(start: (signal: AbortSignal) => Promise<void>): void {
    start(this.cancelController.signal).then(this.outcome.resolve, this.outcome.reject);
  }

  /** Stops the start; `reason` is what the remaining waiters are rejected with. */
  cancel(reason: unknown): void {
    if (!this.cancelController.signal.aborted) this.cancelController.abort(reason);
  }

  join(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(abortedError(`waiting for model "${this.modelId}"`));
    this.waiters++;
    return new Promise((resolve, reject) => {
      let inside = true;
      const leave = (): boolean => {
        if (!inside) return false;
        inside = false;
        this.waiters--;
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = (): void => {
        if (!leave()) return;
        reject(abortedError(`waiting for model "${this.modelId}"`));
        if (this.waiters === 0 && !this.settled) this.onAbandoned(this);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.done.then(
        () => leave() && resolve(),
        (error: unknown) => leave() && reject(error),
      );
    });
  }
}
