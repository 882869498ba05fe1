// The requestBodyTimeout of one request body: a clock that runs only while swapgate is reading
// the body (paused while the request waits for its model or the upstream is not reading), so
// only the client's slowness counts. One timer per body still arriving; none for bodies that
// came with the headers.
import { performance } from 'node:perf_hooks';
import type { SwapgateError } from '../shared/errors.js';
import { requestTimeout } from './proxy-errors.js';

const monotonicNow = (): number => performance.now();

/** Told once when the body's time is up. */
export interface BodyDeadlineListener {
  onBodyDeadline(): void;
}

export class BodyDeadline {
  private leftMs: number;
  private since = 0;
  private timer: NodeJS.Timeout | null = null;
  private listener: BodyDeadlineListener | null = null;

  /** timeoutMs 0: no deadline. */
  constructor(
    readonly timeoutMs: number,
    private readonly now: () => number = monotonicNow,
  ) {
    this.leftMs = timeoutMs;
  }

  get expired(): boolean {
    return this.timeoutMs > 0 && this.leftMs <= 0;
  }

  /** The 408 to answer with once expired. */
  get error(): SwapgateError {
    return requestTimeout(this.timeoutMs);
  }

  /** Runs (or resumes) the clock; `listener` is told when the time left is used up. */
  run(listener: BodyDeadlineListener): void {
    if (this.timeoutMs <= 0) return;
    this.listener = listener;
    if (this.timer !== null) return;
    this.since = this.now();
    this.timer = setTimeout(onTimer, Math.max(0, this.leftMs), this);
  }

  /** Stops the clock, keeping the time left (swapgate stopped reading, not the client). */
  pause(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.leftMs -= this.now() - this.since;
  }

  /** The body is complete (or abandoned): nobody is told anything any more. */
  stop(): void {
    this.pause();
    this.listener = null;
  }

  fire(): void {
    this.timer = null;
    this.leftMs = 0;
    const { listener } = this;
    this.listener = null;
    listener?.onBodyDeadline();
  }
}

function onTimer(deadline: BodyDeadline): void {
  deadline.fire();
}
