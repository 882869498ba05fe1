// Opens each request's Exchange (id, facts, the close listener that finishes its record) with
// the CORS headers for its origin, for both ways in: the direct proxied routes and hono's
// middleware, which also answers CORS preflights and puts the per-request headers (X-Request-ID,
// CORS, rate limits) on the responses hono writes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Exchange, type ExchangeFinisher } from '../proxy/exchange.js';
import { getHeader } from '../proxy/get-header.js';
import { createRequestIdGenerator, sanitizeRequestId } from '../proxy/request-id.js';
import type { AppEnv } from './app-env.js';
import type { CorsPolicy } from './cors.js';

export type OpenExchange = (incoming: IncomingMessage, outgoing: ServerResponse, path: string) => Exchange;

export function createExchangeOpener(finisher: ExchangeFinisher, cors: CorsPolicy | null): OpenExchange {
  const nextId = createRequestIdGenerator();
  return function openExchange(incoming, outgoing, path) {
    const startedAt = finisher.now();
    const id = sanitizeRequestId(getHeader(incoming.headers, 'x-request-id')) ?? nextId();
    const exchange = new Exchange(id, path, startedAt, incoming, outgoing, finisher);
    cors?.decorate(exchange);
    return exchange;
  };
}

export function createExchangeMiddleware(open: OpenExchange, cors: CorsPolicy | null): MiddlewareHandler<AppEnv> {
  return async function exchangeMiddleware(c, next) {
    const { incoming, outgoing } = c.env;
    const exchange = open(incoming, outgoing, c.req.path);
    c.set('exchange', exchange);
    const preflight = cors?.preflight(c, exchange) ?? null;
    if (preflight !== null) c.res = preflight;
    else await next();
    if (c.res === RESPONSE_ALREADY_SENT || outgoing.headersSent) return;
    // An answer of known end (not an event stream) is on record before it goes out, like a proxied one.
    if (exchange.route.auth !== 'public' && !(c.res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      await exchange.recordNow(c.res.status);
    }
    // Not written yet: node-server merges these with the hono response's own headers.
    const extra = exchange.responseHeaders;
    for (const name in extra) outgoing.setHeader(name, extra[name] as string);
  };
}
