// The clients of GET /api/events and what they are sent, in llama-swap's frame format
// (internal/server/apigroup.go serveSSE): `event:message` and `data:{"type":…,"data":"<json>"}`,
// the payload being a JSON string. Each frame is built once for all clients, and not at all
// while nobody listens. A client whose unsent bytes exceed maxBufferedBytes (it stopped reading
// and its socket is full) is dropped: a slow consumer never blocks the daemon or makes it buffer
// without bound. closeAll() ends every stream (shutdown).
import type { Logger } from '../shared/logger.js';

export type EventType = 'modelStatus' | 'logData' | 'activity' | 'inflight';

/** What a stream writes to: node's ServerResponse is one. */
export interface SseSink {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

export const SSE_RESPONSE_HEADERS = Object.freeze({
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-content-type-options': 'nosniff',
  'x-accel-buffering': 'no',
});

export function formatEventFrame(type: EventType, data: unknown): string {
  return `event:message\ndata:${JSON.stringify({ type, data: JSON.stringify(data) })}\n\n`;
}

export interface EventStreamsOptions {
  readonly logger: Logger;
  /** A client with more unsent bytes than this is dropped (default 4 MiB). */
  readonly maxBufferedBytes?: number;
  /** Told when the first client arrives and when the last one leaves. */
  readonly onActive?: (active: boolean) => void;
}

export class EventStreams {
  private readonly sinks = new Set<SseSink>();
  private readonly maxBufferedBytes: number;
  private closed = false;
  /** Clients dropped for not reading, for the log and tests. */
  dropped = 0;

  constructor(private readonly options: EventStreamsOptions) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  }

  get size(): number {
    return this.sinks.size;
  }

  /** Adds a client whose head is already sent: the initial frames first, then every broadcast. */
  open(sink: SseSink, initial: readonly string[]): void {
    if (this.closed || sink.destroyed) {
      sink.end();
      return;
    }
    for (const frame of initial) sink.write(frame);
    this.sinks.add(sink);
    sink.once('close', () => this.remove(sink));
    if (this.sinks.size === 1) this.options.onActive?.(true);
  }

  /** Someone listens: callers check this before making an event (nothing is made for nobody). */
  get listening(): boolean {
    return this.sinks.size > 0;
  }

  /** Sends one event to every client (the frame is made once). */
  broadcast(type: EventType, data: unknown): void {
    if (this.sinks.size === 0) return;
    const frame = formatEventFrame(type, data);
    for (const sink of this.sinks) {
      if (sink.writableLength > this.maxBufferedBytes) this.drop(sink);
      else sink.write(frame);
    }
  }

  closeAll(): void {
    this.closed = true;
    for (const sink of [...this.sinks]) {
      this.remove(sink);
      sink.end();
    }
  }

  private drop(sink: SseSink): void {
    this.dropped += 1;
    const buffered = sink.writableLength;
    this.remove(sink);
    sink.destroy();
    // Logged after this broadcast: the log line is itself an event for the other clients.
    queueMicrotask(() => this.options.logger.warn({ buffered_bytes: buffered, limit_bytes: this.maxBufferedBytes }, '/api/events client dropped: it stopped reading'));
  }

  private remove(sink: SseSink): void {
    if (!this.sinks.delete(sink)) return;
    if (this.sinks.size === 0) this.options.onActive?.(false);
  }
}
