// First middleware: gives each request its id and state, adds the per-request response headers
// (X-Request-ID, CORS), and writes the one structured log line per request once the response
// is really over (streams included).
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Logger } from '../shared/logger.js';
import { RequestState, getHeader, getNodeBindings, type AppEnv } from './app-env.js';
import type { CorsPolicy } from './cors.js';
import { createRequestIdGenerator, sanitizeRequestId } from './request-id.js';

export interface RequestContextOptions {
  readonly logger: Logger;
  /** Milliseconds, monotonic; injected by tests. */
  readonly now: () => number;
  /** Applied before anything else runs (preflights are answered here), or null when off. */
  readonly cors: CorsPolicy | null;
}

interface RequestLine {
  reqId: string;
  method: string;
  path: string;
  model: string | null;
  status: number;
  duration_ms: number;
  bytes: number;
  key_name?: string;
  aborted?: boolean;
}

export function createRequestContext(options: RequestContextOptions): MiddlewareHandler<AppEnv> {
  const { logger, now, cors } = options;
  const nextId = createRequestIdGenerator();

  const writeLine = (state: RequestState, status: number, aborted: boolean): void => {
    const level = state.path === '/health' ? 'debug' : status >= 500 ? 'warn' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const line: RequestLine = {
      reqId: state.id,
      method: state.method,
      path: state.path,
      model: state.model,
      status,
      duration_ms: Math.round((now() - state.startedAt) * 1000) / 1000,
      bytes: state.bytes,
    };
    if (state.keyName !== null) line.key_name = state.keyName;
    if (aborted) line.aborted = true;
    logger[level](line, 'request');
  };

  return async function requestContext(c, next) {
    const startedAt = now();
    const node = getNodeBindings(c);
    let headers: IncomingHttpHeaders;
    let rawUrl: string;
    if (node) {
      headers = node.incoming.headers;
      rawUrl = node.incoming.url ?? '/';
    } else {
      headers = toNodeHeaders(c.req.raw.headers);
      const url = new URL(c.req.url);
      rawUrl = url.pathname + url.search;
    }
    const id = sanitizeRequestId(getHeader(headers, 'x-request-id')) ?? nextId();
    const state = new RequestState(id, startedAt, c.req.method, c.req.path, rawUrl, headers, node, logger);
    c.set('state', state);
    if (node) {
      // One shared listener serves both the log line and client-disconnect handling.
      const outgoing: TaggedResponse = node.outgoing;
      outgoing[TAG] = { state, writeLine };
      outgoing.on('close', onResponseClose);
    }
    const preflight = cors?.apply(c, state) ?? null;
    if (preflight !== null) c.res = preflight;
    else await next();
    const res = c.res;
    // Streamed responses carry these headers in the head they wrote themselves.
    if (res !== RESPONSE_ALREADY_SENT && state.streamEnded === null) {
      const extra = state.responseHeaders;
      // node: not written yet; node-server merges these with the hono response's headers.
      if (node) for (const name in extra) node.outgoing.setHeader(name, extra[name] as string);
      else for (const name in extra) res.headers.set(name, extra[name] as string);
    }
    if (node) return; // logged on 'close'
    if (state.streamEnded) void state.streamEnded.then((aborted) => writeLine(state, res.status, aborted));
    else writeLine(state, res.status, false);
  };
}

const TAG = Symbol('swapgate.requestState');
type TaggedResponse = ServerResponse & {
  [TAG]?: { state: RequestState; writeLine: (state: RequestState, status: number, aborted: boolean) => void };
};

function onResponseClose(this: TaggedResponse): void {
  const tag = this[TAG];
  if (tag === undefined) return;
  this[TAG] = undefined;
  const aborted = !this.writableFinished;
  const { state } = tag;
  if (aborted) state.clientGoneListener?.onClientGone();
  const status = this.headersSent ? this.statusCode : 499;
  tag.writeLine(state, status, aborted);
  if (state.onClosed !== null) process.nextTick(state.onClosed, state, status);
}

function toNodeHeaders(headers: Headers): IncomingHttpHeaders {
  const record: IncomingHttpHeaders = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}
