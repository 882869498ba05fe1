// First middleware: opens the request's Exchange (id, facts, the close listener that finishes
// its record), answers CORS preflights, and puts the per-request headers (X-Request-ID, CORS,
// rate limits) on responses hono writes. Proxied responses carry them in the head they write.
import type { MiddlewareHandler } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Exchange, type ExchangeFinisher } from '../proxy/exchange.js';
import { getHeader } from '../proxy/get-header.js';
import { createRequestIdGenerator, sanitizeRequestId } from '../proxy/request-id.js';
import type { AppEnv } from './app-env.js';
import type { CorsPolicy } from './cors.js';

export function createOpenExchange(finisher: ExchangeFinisher, cors: CorsPolicy | null): MiddlewareHandler<AppEnv> {
  const nextId = createRequestIdGenerator();
  const { now } = finisher;
  return async function openExchange(c, next) {
    const startedAt = now();
    const { incoming, outgoing } = c.env;
    const id = sanitizeRequestId(getHeader(incoming.headers, 'x-request-id')) ?? nextId();
    const exchange = new Exchange(id, c.req.path, startedAt, incoming, outgoing, finisher);
    c.set('exchange', exchange);
    const preflight = cors?.apply(c, exchange) ?? null;
    if (preflight !== null) c.res = preflight;
    else await next();
    if (c.res === RESPONSE_ALREADY_SENT || outgoing.headersSent) return;
    // Not written yet: node-server merges these with the hono response's own headers.
    const extra = exchange.responseHeaders;
    for (const name in extra) outgoing.setHeader(name, extra[name] as string);
  };
}
