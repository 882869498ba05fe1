// Sends one request upstream through a keep-alive agent and streams the answer straight into
// the client's response (or through the transforms hooks asked for). Client disconnect destroys
// the upstream request and releases the lease at once; failures before the head become typed
// errors (502/504), after it a cut stream. A revoked lease (its model must stop) ends it too.
// Listeners are shared functions that find their Forwarding through a tag on the emitter, so
// the hot path allocates one object per request instead of a closure per event.
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { abortedError, type SwapgateError } from '../shared/errors.js';
import type { LeaseRevokeListener } from '../supervisor/types.js';
import { endRevokedResponse } from './end-revoked-response.js';
import { ClientStallTimer } from './client-stall.js';
import type { ClientGoneListener, Exchange } from './exchange.js';
import type { ForwardSpec } from './forward-spec.js';
import { isUnreadByUpstream } from './is-unread-by-upstream.js';
import { pipeRequest } from './pipe-upload.js';
import { errorCodeOf, upstreamFailed, upstreamStatus, upstreamTimeout } from './proxy-errors.js';
import { buildClientHeaders } from './proxy-headers.js';
import { readErrorText } from './read-error-text.js';
import { openTransforms, type TransformedResponse } from './transformed-response.js';

// Errors for which the request certainly never reached the upstream (safe to send again).
const neverDelivered = new WeakSet<SwapgateError>();

/**
 * True when no attempt of a replayable request can have been read by the upstream (refused,
 * reset with the request unread, or found closed before it was written; see isUnreadByUpstream).
 */
export function isNeverDelivered(error: unknown): boolean {
  return error instanceof Error && neverDelivered.has(error as SwapgateError);
}

const TAG = Symbol('swapgate.forwarding');
type Tagged<T> = T & { [TAG]?: Forwarding };

/** Resolves once the client has the response head (or a continuation took the error). */
export function forward(exchange: Exchange, spec: ForwardSpec): Promise<void> {
  return new Promise<void>((resolve, reject) => new Forwarding(exchange, spec, resolve, reject).start());
}

class Forwarding implements ClientGoneListener, LeaseRevokeListener {
  private settled = false;
  private done = false;
  private retried = false;
  /** A failed earlier attempt may have reached the upstream. */
  private maybeDelivered = false;
  private current: Tagged<ClientRequest> | null = null;
  private upstream: Tagged<IncomingMessage> | null = null;
  private transformed: TransformedResponse | null = null;
  /** The client's response is corked until the end of this tick (see pipeChunk). */
  private corked = false;
  /** Made at the first write the client's socket did not take (clientStallTimeout). */
  private stall: ClientStallTimer | null = null;
  private readonly out: Tagged<ServerResponse>;

  constructor(
    private readonly exchange: Exchange,
    private readonly spec: ForwardSpec,
    private readonly resolve: () => void,
    private readonly reject: (error: SwapgateError) => void,
  ) {
    this.out = exchange.outgoing;
  }

  start(): void {
    if (this.exchange.isGone) return this.onClientGone();
    this.exchange.setClientGoneListener(this);
    this.spec.release?.onRevoke(this); // told at once if already revoked
    if (!this.done) this.send();
  }

  onClientGone(): void {
    if (this.done) return;
    this.finish();
    this.current?.destroy();
    this.settle(abortedError('request'));
  }

  onLeaseRevoked(error: SwapgateError): void {
    if (this.done) return;
    this.exchange.outcome ??= 'upstream_error';
    const res = this.upstream;
    if (res === null) return this.fail(error, true); // before the head: a 503 like any refusal
    this.cutUpstream();
    endRevokedResponse(this.exchange, res, this.spec.continuation !== null, this.transformed, error);
  }

  onResponse(req: ClientRequest, res: IncomingMessage): void {
    if (req !== this.current || this.done) {
      res.resume();
      return;
    }
    const status = res.statusCode ?? 502;
    const { continuation, label } = this.spec;
    if (continuation !== null && status >= 400) {
      readErrorText(res, (text) => this.fail(upstreamStatus(label, status, text), false));
      return;
    }
    const headers = buildClientHeaders(res.headers);
    const { wrappers } = this.spec;
    this.transformed = wrappers === null ? null : openTransforms(this.exchange, wrappers, { status, headers });
    if (this.transformed !== null) this.transformed.writeHead(status, headers, continuation === null);
    else if (continuation === null) this.exchange.writeHead(status, headers);
    this.settle(null);
    const tagged: Tagged<IncomingMessage> = res;
    tagged[TAG] = this;
    this.upstream = tagged;
    this.out[TAG] = this;
    res.on('data', onUpstreamData);
    res.on('end', onUpstreamEnd);
    res.on('error', onUpstreamBroken);
    res.on('close', onUpstreamBroken);
    this.out.on('drain', onClientDrain);
  }

  onError(req: ClientRequest, error: Error): void {
    if (req !== this.current || this.done) return;
    const body = this.spec.body;
    const replayable = body === null || Buffer.isBuffer(body);
    const code = errorCodeOf(error);
    const unread = isUnreadByUpstream(error);
    // A pooled socket the upstream closed while idle (or died with): one attempt on a fresh
    // connection is safe, and the pool may hold more such sockets, so it bypasses the pool.
    if (!this.settled && !this.retried && replayable && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) {
      this.retried = true;
      // A clean close ("socket hang up") may have carried the request to a process that then
      // died with it: then a failed retry is not "never delivered", so no new start gets it.
      this.maybeDelivered = !unread;
      this.send();
      return;
    }
    const failure = upstreamFailed(this.spec.label, this.spec.logTail(), error);
    if (unread && replayable && !this.settled && !this.maybeDelivered) neverDelivered.add(failure);
    this.fail(failure, true);
  }

  onTimeout(): void {
    this.fail(upstreamTimeout(this.spec.label, this.spec.timeoutMs), true);
  }

  /** The upstream response ended (error null) or broke off. */
  endPipe(error: Error | null): void {
    if (!this.stopPipe()) return;
    if (error !== null) return this.fail(upstreamFailed(this.spec.label, this.spec.logTail(), error), true);
    this.finish();
    if (this.transformed !== null) this.transformed.end();
    else this.exchange.complete();
  }

  pipeChunk(res: IncomingMessage, chunk: Buffer): void {
    // One socket read can hold hundreds of SSE events, each a 'data' event: corked until the
    // end of the tick, they reach the client in one write instead of one syscall per event.
    if (!this.corked) {
      this.corked = true;
      this.out.cork();
      process.nextTick(uncorkForwarding, this);
    }
    const transformed = this.transformed;
    if (transformed === null) {
      if (!this.exchange.send(chunk)) this.waitForClient(res);
      return;
    }
    const flowing = transformed.write(chunk);
    // A transform ended the stream (a block, a truncation): the client has all it will get.
    if (transformed.finished) return this.cutUpstream();
    if (!flowing) this.waitForClient(res);
  }

  /** The client's socket is full: the upstream waits for 'drain', and the stall clock runs. */
  private waitForClient(res: IncomingMessage): void {
    res.pause();
    (this.stall ??= new ClientStallTimer(this.exchange, this.spec.stallTimeoutMs)).start();
  }

  uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.out.uncork();
  }

  resumeUpstream(): void {
    this.stall?.clear();
    this.upstream?.resume();
  }

  private send(): void {
    const { spec } = this;
    const req: Tagged<ClientRequest> = spec.endpoint.request(spec.path, spec.method, spec.headers, this.retried);
    req[TAG] = this;
    this.current = req;
    req.on('response', onUpstreamResponse);
    req.on('error', onUpstreamError);
    if (spec.timeoutMs > 0) req.setTimeout(spec.timeoutMs, onUpstreamTimeout);
    const body = spec.body;
    if (body === null) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      if (body.head !== null) req.write(body.head);
      if (body.rest === null) req.end();
      else pipeRequest(body.rest, req, body, (error) => this.fail(error, true));
    }
  }

  /** Stops listening to the upstream response; false when it was not being piped. */
  private stopPipe(): boolean {
    const res = this.upstream;
    if (res === null) return false;
    this.upstream = null;
    res.off('data', onUpstreamData);
    res.off('end', onUpstreamEnd);
    res.off('error', onUpstreamBroken);
    res.off('close', onUpstreamBroken);
    this.out.off('drain', onClientDrain);
    this.stall?.clear();
    // Corks are counted on the socket itself, which outlives this response (keep-alive).
    this.uncork();
    return true;
  }

  private cutUpstream(): void {
    this.stopPipe();
    this.finish();
    this.current?.destroy();
  }

  private settle(error: SwapgateError | null): void {
    if (this.settled) return;
    this.settled = true;
    if (error === null) this.resolve();
    else if (this.spec.continuation !== null) {
      this.spec.continuation.fail(error);
      this.resolve();
    } else this.reject(error);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.exchange.setClientGoneListener(null);
    this.spec.release?.release();
  }

  private fail(error: SwapgateError, destroyUpstream: boolean): void {
    if (this.done) return;
    this.finish();
    if (destroyUpstream) this.current?.destroy();
    if (!this.settled) return this.settle(error);
    // The client already has a head (or a held one waits): all that is left is to cut it short.
    this.exchange.outcome ??= 'upstream_error';
    this.spec.log.warn({ reqId: this.exchange.id, code: error.code, model: this.spec.label, err: error.cause ?? error }, error.message);
    this.stopPipe();
    if (this.transformed !== null) this.transformed.breakOff();
    else this.out.destroy();
  }
}

function onUpstreamResponse(this: Tagged<ClientRequest>, res: IncomingMessage): void {
  this[TAG]?.onResponse(this, res);
}
function onUpstreamError(this: Tagged<ClientRequest>, error: Error): void {
  this[TAG]?.onError(this, error);
}
function onUpstreamTimeout(this: Tagged<ClientRequest>): void {
  this[TAG]?.onTimeout();
}
function onUpstreamData(this: Tagged<IncomingMessage>, chunk: Buffer): void {
  this[TAG]?.pipeChunk(this, chunk);
}
function onUpstreamEnd(this: Tagged<IncomingMessage>): void {
  this[TAG]?.endPipe(null);
}
function onUpstreamBroken(this: Tagged<IncomingMessage>, error?: Error): void {
  this[TAG]?.endPipe(error ?? new Error('upstream response closed before its end'));
}
function uncorkForwarding(forwarding: Forwarding): void {
  forwarding.uncork();
}
function onClientDrain(this: Tagged<ServerResponse>): void {
  this[TAG]?.resumeUpstream();
}
