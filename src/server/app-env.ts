// The hono environment shared by every middleware and route: one RequestState per request.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { Logger } from '../shared/logger.js';

/** The raw node objects, present when served by @hono/node-server (absent under app.request()). */
export interface NodeBindings {
  readonly incoming: IncomingMessage;
  readonly outgoing: ServerResponse;
}

export interface AppEnv {
  Bindings: Partial<NodeBindings> | undefined;
  Variables: { state: RequestState };
}

export type AppContext = Context<AppEnv>;

/** Told (once) when the client goes away before the response is complete. */
export interface ClientGoneListener {
  onClientGone(): void;
}

// Mutable per-request facts the handlers fill in and the request log line reports.
export class RequestState {
  /** Resolved model (or peer/model) of an inference request, for the log line. */
  model: string | null = null;
  /** Response body bytes written by the proxy itself (piped or generated). */
  bytes = 0;
  /** Name of the api key that authenticated the request (never the key). */
  keyName: string | null = null;
  /**
   * Headers every response of this request carries (x-request-id, CORS). Streamed responses
   * merge them into their head; the request context copies them onto hono responses.
   */
  readonly responseHeaders: Record<string, string>;
  /** In-process (app.request) streamed responses: settles (aborted?) when the body ends. */
  streamEnded: Promise<boolean> | null = null;
  /** Told once when the client connection closes before the response finished. */
  clientGoneListener: ClientGoneListener | null = null;
  /**
   * Governance's record of this request (governance/governed-request.ts owns its type). A plain
   * field rather than a WeakMap keyed by the state: V8 promotes WeakMap-keyed objects out of the
   * young generation, which under load filled the old space and cost ~20% of req/s in GC.
   */
  governed: object | null = null;
  /**
   * Served by node: told once when the response is over (status 499 when the client left
   * first), on the next tick, so every 'close' listener of the response has run by then.
   */
  onClosed: ((state: RequestState, status: number) => void) | null = null;
  private child: Logger | null = null;

  constructor(
    readonly id: string,
    readonly startedAt: number,
    readonly method: string,
    readonly path: string,
    /** Path plus query exactly as the client sent it. */
    readonly rawUrl: string,
    readonly headers: IncomingHttpHeaders,
    readonly node: NodeBindings | null,
    private readonly logger: Logger,
  ) {
    this.responseHeaders = { 'x-request-id': id };
  }

  /** A child logger carrying the request id; created on first use only. */
  get log(): Logger {
    this.child ??= this.logger.child({ reqId: this.id });
    return this.child;
  }
}

export function getNodeBindings(c: AppContext): NodeBindings | null {
  const env = c.env;
  return env !== undefined && env.incoming !== undefined && env.outgoing !== undefined ? (env as NodeBindings) : null;
}

/** First value of a request header. */
export function getHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
