// CORS: answers preflights before auth runs and marks allowed origins on every response.
import type { MiddlewareHandler } from 'hono';
import { getHeader, type AppEnv } from './app-env.js';

export interface CorsOptions {
  /** Allowed origins; "*" allows any. Empty disables CORS headers entirely. */
  readonly origins: readonly string[];
}

const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOW_HEADERS = ['authorization', 'content-type', 'x-api-key', 'x-request-id'];

export function isPreflight(method: string, headers: Record<string, unknown>): boolean {
  return method === 'OPTIONS' && headers['access-control-request-method'] !== undefined;
}

export function createCors(options: CorsOptions): MiddlewareHandler<AppEnv> | null {
  if (options.origins.length === 0) return null;
  for (const origin of options.origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new TypeError(`corsOrigins: expected "*" or an origin like "https://host:port", got "${origin}"`);
    }
  }
  const anyOrigin = options.origins.includes('*');
  const allowed = new Set(options.origins);

  // Not async: passing next()'s promise through saves a microtask hop per request.
  return function cors(c, next) {
    const state = c.get('state');
    const origin = getHeader(state.headers, 'origin');
    if (origin === undefined) return next();
    const permitted = anyOrigin || allowed.has(origin);
    const allowOrigin = anyOrigin ? '*' : origin;
    if (isPreflight(c.req.method, state.headers)) {
      if (!permitted) return Promise.resolve(c.body(null, 204, { vary: 'Origin' }));
      const requested = getHeader(state.headers, 'access-control-request-headers');
      const extra = requested === undefined ? [] : requested.toLowerCase().split(',').map((h) => h.trim()).filter(Boolean);
      const response = c.body(null, 204, {
        'access-control-allow-origin': allowOrigin,
        'access-control-allow-methods': ALLOW_METHODS,
        'access-control-allow-headers': [...new Set([...ALLOW_HEADERS, ...extra])].join(', '),
        'access-control-max-age': '86400',
        vary: 'Origin',
      });
      return Promise.resolve(response);
    }
    if (permitted) {
      const extra = state.responseHeaders;
      extra['access-control-allow-origin'] = allowOrigin;
      extra['access-control-expose-headers'] = 'x-request-id';
      if (!anyOrigin) extra.vary = 'Origin';
    }
    return next();
  };
}
