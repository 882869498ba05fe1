// One request from arrival to the close of its response: readonly facts, what the pipeline
// recorded about it (caller, model, bytes, notes), the per-request response headers, and the
// single 'close' listener that tells the forwarder the client left and finishes the record.
// Listeners are shared functions that find their exchange through a tag: no closure per request.
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { abortedError } from '../shared/errors.js';
import { type Caller, type FinishedRecord, type Note, type Outcome, type RequestFacts, type ResponseTransform, type RouteRule, NO_NOTES } from './hooks.js';

/** Told (once) when the client goes away before the response is complete. */
export interface ClientGoneListener {
  onClientGone(): void;
}

/** Where a finished exchange goes: the hook chain's onFinished. */
export interface ExchangeFinisher {
  readonly now: () => number;
  finish(record: FinishedRecord): void | Promise<void>;
}

export const PUBLIC_ROUTE: RouteRule = Object.freeze({ auth: 'public', admin: null });

const TAG = Symbol('swapgate.exchange');
type TaggedResponse = ServerResponse & { [TAG]?: Exchange };

export class Exchange implements RequestFacts {
  readonly method: string;
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  /** Headers every response of this request carries (x-request-id, CORS, rate limits, cache). */
  readonly responseHeaders: Record<string, string>;
  route: RouteRule = PUBLIC_ROUTE;
  caller: Caller | null = null;
  /** Resolved model (or peer/model), for the record and the log line. */
  model: string | null = null;
  /** A model route admitted it. */
  inference = false;
  /** Response body bytes the client was sent. */
  bytes = 0;
  /** Set by whoever saw the request fail (the forwarder, a stall deadline); else derived at the end. */
  outcome: Outcome | null = null;
  /** The active response transforms, asked for their notes when the exchange ends early. */
  transforms: readonly ResponseTransform[] | null = null;
  /** Milliseconds spent getting a ready upstream (set by acquire-and-forward); null: none acquired. */
  loadWaitMs: number | null = null;
  /** The clock when the response head went out (-1: not yet), and its Content-Type. */
  private headAt = -1;
  private contentType: string | null = null;
  private notes: Note[] | null = null;
  /** Body bytes still to come of a response that declared its length; -1: none declared. */
  private remaining = -1;
  /** The last chunk of a declared-length body, held back until the record is written (complete()). */
  private held: Buffer | null = null;
  private finished = false;
  private gone = false;
  private goneListener: ClientGoneListener | null = null;

  constructor(
    readonly id: string,
    readonly path: string,
    readonly startedAt: number,
    readonly incoming: IncomingMessage,
    readonly outgoing: ServerResponse,
    private readonly finisher: ExchangeFinisher,
  ) {
    this.method = incoming.method ?? 'GET';
    this.rawUrl = incoming.url ?? '/';
    this.headers = incoming.headers;
    this.responseHeaders = { 'x-request-id': id };
    const tagged: TaggedResponse = outgoing;
    tagged[TAG] = this;
    if (outgoing.destroyed) this.gone = true;
    else outgoing.on('close', onResponseClose);
  }

  get clientIp(): string | null {
    return this.incoming.socket.remoteAddress ?? null;
  }

  get isGone(): boolean {
    return this.gone;
  }

  /** Aborts when the client goes away before the response is complete. */
  get signal(): AbortSignal {
    return getConnectionSignal(this.incoming.socket);
  }

  /** One listener (the forwarder); null clears it. */
  setClientGoneListener(listener: ClientGoneListener | null): void {
    this.goneListener = listener;
  }

  addNotes(notes: readonly Note[] | undefined): void {
    if (notes === undefined || notes.length === 0) return;
    if (this.notes === null) this.notes = [...notes];
    else this.notes.push(...notes);
  }

  addHeaders(headers: Readonly<Record<string, string>> | undefined): void {
    if (headers !== undefined) Object.assign(this.responseHeaders, headers);
  }

  /** The request body as it arrives, or null when the request declares none. */
  get body(): IncomingMessage | null {
    const { headers } = this.incoming;
    const length = headers['content-length'];
    return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0') ? this.incoming : null;
  }

  /** Writes the response head with the request's own headers (x-request-id, CORS, …) merged in. */
  writeHead(status: number, headers: OutgoingHttpHeaders): void {
    const extra = this.responseHeaders;
    for (const name in extra) headers[name] = extra[name];
    const length = headers['content-length'];
    this.remaining = length === undefined ? -1 : Number(length);
    this.headAt = this.finisher.now();
    this.contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : null;
    this.outgoing.writeHead(status, headers);
  }

  /**
   * Sends body bytes; false when the client's socket is full. The chunk that completes a
   * declared-length body is held for complete(): the client must not have a whole response
   * before its record is written.
   */
  send(chunk: Buffer): boolean {
    if (this.remaining >= 0) {
      this.remaining -= chunk.length;
      if (this.remaining <= 0) {
        this.held = this.held === null ? chunk : Buffer.concat([this.held, chunk]);
        return true;
      }
    }
    this.bytes += chunk.length;
    return this.outgoing.write(chunk);
  }

  /**
   * The response is whole but for its final write (`last`, plus a held chunk): records the
   * exchange, and ends the response once the hooks that want the record durable first (the
   * audit log, a group commit per event-loop turn) have it.
   */
  complete(last: Buffer | string | null = null): void {
    const out = this.outgoing;
    let tail: Buffer | string | null = this.held;
    this.held = null;
    if (last !== null) {
      if (tail !== null) {
        this.bytes += tail.length;
        out.write(tail);
      }
      tail = last;
    }
    if (tail !== null) this.bytes += typeof tail === 'string' ? Buffer.byteLength(tail) : tail.length;
    const waiting = this.finish(out.headersSent ? out.statusCode : 200, false, this.bytes, false);
    if (waiting === undefined) endResponse(out, tail);
    else void waiting.then(() => endResponse(out, tail));
  }

  /** Records a response written elsewhere (hono) before it goes out; resolves once it may. */
  recordNow(status: number): void | Promise<void> {
    return this.finish(status, false, this.bytes, false);
  }

  /** Records the exchange before the answer goes out (a refusal whose audit must be durable first). */
  finishNow(status: number, bytes: number): Promise<void> {
    return Promise.resolve(this.finish(status, false, bytes, true));
  }

  /** The response closed: tell the forwarder if the client left, then record the exchange. */
  closed(): void {
    const aborted = !this.outgoing.writableFinished;
    if (aborted && !this.gone) {
      this.gone = true;
      this.goneListener?.onClientGone();
    }
    const transforms = this.transforms;
    if (transforms !== null) {
      this.transforms = null;
      for (const transform of transforms) this.addNotes(transform.abort());
    }
    void this.finish(this.outgoing.headersSent ? this.outgoing.statusCode : 499, aborted, this.bytes, false);
  }

  private finish(status: number, aborted: boolean, bytes: number, flush: boolean): void | Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const { route } = this;
    let adminTarget: string | null = null;
    if (route.admin !== null && route.admin !== 'unload_all') adminTarget = this.model ?? this.path.slice(this.path.lastIndexOf('/') + 1);
    return this.finisher.finish({
      facts: this,
      route,
      adminTarget,
      caller: this.caller,
      model: this.model,
      inference: this.inference,
      status,
      aborted,
      outcome: this.outcome ?? (aborted ? 'aborted' : status >= 500 ? 'upstream_error' : status >= 400 ? 'rejected' : 'ok'),
      durationMs: Math.round((this.finisher.now() - this.startedAt) * 1000) / 1000,
      startedAt: this.startedAt,
      loadWaitMs: this.loadWaitMs,
      firstByteMs: this.headAt < 0 ? null : Math.round((this.headAt - this.startedAt) * 1000) / 1000,
      contentType: this.contentType,
      bytes,
      notes: this.notes ?? NO_NOTES,
      flush,
    });
  }
}

function endResponse(out: ServerResponse, tail: Buffer | string | null): void {
  if (out.destroyed || out.writableEnded) return;
  if (tail === null) out.end();
  else out.end(tail);
}

function onResponseClose(this: TaggedResponse): void {
  const exchange = this[TAG];
  if (exchange === undefined) return;
  this[TAG] = undefined;
  exchange.closed();
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
