// clientStallTimeout: a client that takes no bytes of its response for this long (its socket
// stayed full: a write returned false and no 'drain' followed) is disconnected. The clock runs
// only while the client is the bottleneck, never while the upstream is slow to produce, and
// costs one timer per backpressure episode, nothing per chunk. Closing the response is what
// aborts the upstream request and releases the lease (the exchange's client-gone path).
import type { Exchange } from './exchange.js';

export class ClientStallTimer {
  private timer: NodeJS.Timeout | null = null;

  /** timeoutMs 0: never. */
  constructor(
    private readonly exchange: Exchange,
    private readonly timeoutMs: number,
  ) {}

  /** A write returned false: the clock starts (unless it is already running). */
  start(): void {
    if (this.timer === null && this.timeoutMs > 0) this.timer = setTimeout(onStalled, this.timeoutMs, this);
  }

  /** 'drain' came (or the response is over): the client is not stalled. */
  clear(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }

  fire(): void {
    this.timer = null;
    const { exchange } = this;
    const out = exchange.outgoing;
    if (out.destroyed || out.writableFinished) return;
    exchange.outcome = 'client_stalled';
    out.destroy();
  }
}

function onStalled(stall: ClientStallTimer): void {
  stall.fire();
}
