// The client side of a proxied request, the same whether served by node (raw IncomingMessage /
// ServerResponse, written directly) or in-process by app.request() (a web Request, and a
// PassThrough that becomes the web Response once the head is written).
import type { OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough, Readable, type Writable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { abortedError } from '../shared/errors.js';
import type { AppContext, ClientGoneListener, RequestState } from './app-env.js';

/** What forwarding writes to: a node ServerResponse or a WebSink. */
export type ResponseSink = Writable & {
  readonly headersSent: boolean;
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
};

// In-process stand-in for a ServerResponse; the head becomes a web Response over the stream.
export class WebSink extends PassThrough {
  headersSent = false;
  private built: Response | null = null;

  constructor(
    private readonly c: AppContext,
    private readonly state: RequestState,
  ) {
    super();
    // A consumer cancelling with a reason destroys us with it; 'close' already tells the
    // forwarder the client left, so the error itself needs no handling.
    this.on('error', () => undefined);
  }

  writeHead(status: number, headers: OutgoingHttpHeaders): this {
    if (this.headersSent) throw new Error('writeHead called twice');
    this.headersSent = true;
    const record: Record<string, string> = {};
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined) record[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    const empty = status === 204 || status === 304;
    const body = empty ? null : (Readable.toWeb(this) as unknown as ReadableStream<Uint8Array>);
    this.built = this.c.newResponse(body, status as 200, record);
    this.state.streamEnded = new Promise((resolve) => this.once('close', () => resolve(!this.writableFinished)));
    return this;
  }

  get response(): Response {
    if (this.built === null) throw new Error('response requested before the head was written');
    return this.built;
  }
}

/** Sees a forwarded upstream response as it passes, without holding or changing it. */
export interface ResponseObserver {
  head(status: number, headers: OutgoingHttpHeaders): void;
  chunk(chunk: Buffer): void;
  /** The upstream response ended completely (not called when it broke off). */
  end(): void;
}

// Created per proxied request; the abort machinery is made only when someone asks for it.
export class ClientIO implements ClientGoneListener {
  /** Where the response is written: the client's own sink, or one interposed in front of it. */
  sink: ResponseSink;
  /** Told about the forwarded response (usage metering): cheaper than interposing a sink. */
  observer: ResponseObserver | null = null;
  private readonly clientSink: ResponseSink;
  private controller: AbortController | null = null;
  private goneListener: ClientGoneListener | null = null;
  private gone = false;
  private bodyStream: Readable | null | undefined;

  constructor(
    private readonly c: AppContext,
    private readonly state: RequestState,
  ) {
    if (state.node) {
      this.clientSink = state.node.outgoing;
      if (state.node.outgoing.destroyed) this.gone = true;
      else state.clientGoneListener = this;
    } else {
      const sink = new WebSink(c, state);
      sink.once('close', () => sink.writableFinished || this.onClientGone());
      this.clientSink = sink;
    }
    this.sink = this.clientSink;
  }

  /**
   * Routes the response through another sink (governance: inspect, cache, meter) that writes
   * to the client's sink itself. Call before anything is written.
   */
  interpose(sink: ResponseSink): void {
    if (this.sink.headersSent) throw new Error('interpose after the response head was written');
    this.sink = sink;
  }

  get isGone(): boolean {
    return this.gone;
  }

  /** Aborts when the client goes away before the response is complete. */
  get signal(): AbortSignal {
    if (this.state.node) return getConnectionSignal(this.state.node.incoming.socket);
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.gone) this.controller.abort(abortedError('request'));
    }
    return this.controller.signal;
  }

  /** One listener for the forwarder (cheaper than an AbortSignal listener); null clears it. */
  setClientGoneListener(listener: ClientGoneListener | null): void {
    this.goneListener = listener;
  }

  /** Writes the response head with the per-request headers (x-request-id, CORS) merged in. */
  writeHead(status: number, headers: OutgoingHttpHeaders): void {
    const extra = this.state.responseHeaders;
    for (const name in extra) headers[name] = extra[name];
    this.sink.writeHead(status, headers);
  }

  /** The request body as a node stream (the same one on every call), or null when there is none. */
  body(): Readable | null {
    if (this.bodyStream !== undefined) return this.bodyStream;
    const node = this.state.node;
    if (node) {
      const { headers } = node.incoming;
      const length = headers['content-length'];
      const hasBody = headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
      this.bodyStream = hasBody ? node.incoming : null;
    } else {
      const raw = this.c.req.raw.body;
      this.bodyStream = raw === null ? null : Readable.fromWeb(raw as unknown as NodeReadableStream<Uint8Array>);
    }
    return this.bodyStream;
  }

  /** What the handler returns once the head has been written. */
  response(): Response {
    return this.clientSink instanceof WebSink ? this.clientSink.response : RESPONSE_ALREADY_SENT;
  }

  onClientGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.controller?.abort(abortedError('request'));
    this.goneListener?.onClientGone();
  }
}

const CONNECTION_ABORT = Symbol('swapgate.connectionAbort');
type TaggedSocket = Socket & { [CONNECTION_ABORT]?: AbortController };

// One controller per connection rather than per request: an HTTP/1 request's client is gone
// exactly when its connection closes, and AbortControllers are costly to make per request.
function getConnectionSignal(socket: TaggedSocket): AbortSignal {
  let controller = socket[CONNECTION_ABORT];
  if (controller === undefined) {
    const created = new AbortController();
    controller = created;
    socket[CONNECTION_ABORT] = created;
    if (socket.destroyed) created.abort(abortedError('request'));
    else socket.once('close', () => created.abort(abortedError('request')));
  }
  return controller.signal;
}

export function createClientIO(c: AppContext, state: RequestState): ClientIO {
  return new ClientIO(c, state);
}
