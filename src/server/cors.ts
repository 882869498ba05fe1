// CORS: answers preflights (before auth runs) and marks allowed origins on every response.
// A policy object rather than middleware: the exchange opener applies it, on both ways in.
import type { Exchange } from '../proxy/exchange.js';
import { getHeader } from '../proxy/get-header.js';
import type { AppContext } from './app-env.js';

export interface CorsOptions {
  /** Allowed origins; "*" allows any. Empty disables CORS headers entirely. */
  readonly origins: readonly string[];
}

export interface CorsPolicy {
  /** Marks an allowed origin's request: its response carries the CORS headers (preflights excepted). */
  decorate(exchange: Exchange): void;
  /** The answer to a preflight, else null. */
  preflight(c: AppContext, exchange: Exchange): Response | null;
}

const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOW_HEADERS = ['authorization', 'content-type', 'x-api-key', 'x-request-id'];

export function isPreflight(method: string, headers: Record<string, unknown>): boolean {
  return method === 'OPTIONS' && headers['access-control-request-method'] !== undefined;
}

/** null when no origin is allowed (CORS off). Throws on a malformed origin, at boot. */
export function createCors(options: CorsOptions): CorsPolicy | null {
  if (options.origins.length === 0) return null;
  for (const origin of options.origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new TypeError(`corsOrigins: expected "*" or an origin like "https://host:port", got "${origin}"`);
    }
  }
  const anyOrigin = options.origins.includes('*');
  const allowed = new Set(options.origins);

  return {
    decorate(exchange) {
      const origin = getHeader(exchange.headers, 'origin');
      if (origin === undefined || !(anyOrigin || allowed.has(origin)) || isPreflight(exchange.method, exchange.headers)) return;
      const headers = exchange.responseHeaders;
      headers['access-control-allow-origin'] = anyOrigin ? '*' : origin;
      headers['access-control-expose-headers'] = 'x-request-id';
      if (!anyOrigin) headers.vary = 'Origin';
    },
    preflight(c, exchange) {
      const origin = getHeader(exchange.headers, 'origin');
      if (origin === undefined || !isPreflight(exchange.method, exchange.headers)) return null;
      if (!(anyOrigin || allowed.has(origin))) return c.body(null, 204, { vary: 'Origin' });
      const requested = getHeader(exchange.headers, 'access-control-request-headers');
      const extra = requested === undefined ? [] : requested.toLowerCase().split(',').map((h) => h.trim()).filter(Boolean);
      return c.body(null, 204, {
        'access-control-allow-origin': anyOrigin ? '*' : origin,
        'access-control-allow-methods': ALLOW_METHODS,
        'access-control-allow-headers': [...new Set([...ALLOW_HEADERS, ...extra])].join(', '),
        'access-control-max-age': '86400',
        vary: 'Origin',
      });
    },
  };
}
