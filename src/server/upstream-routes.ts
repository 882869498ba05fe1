// /upstream/<model>/<path>: raw passthrough to a model's own server (its UI, /metrics, ...),
// starting it if needed. The path after the model and the query go upstream byte for byte.
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.js';
import { createClientIO } from './client-io.js';
import { modelNotFound } from './http-errors.js';
import type { ProxyContext } from './proxy-context.js';
import { proxyRequest } from './proxy-flow.js';
import { getDeclaredLength } from './read-body.js';

const PREFIX = '/upstream/';

export function registerUpstreamRoutes(app: Hono<AppEnv>, ctx: ProxyContext): void {
  const limit = ctx.config.maxRequestBodyBytes;
  app.all('/upstream/*', async function upstreamPassthrough(c) {
    const state = c.get('state');
    const raw = state.rawUrl;
    const q = raw.indexOf('?');
    const pathname = q < 0 ? raw : raw.slice(0, q);
    const query = q < 0 ? '' : raw.slice(q);
    const afterPrefix = pathname.slice(PREFIX.length);
    const match = ctx.resolver.matchPrefix(afterPrefix);
    if (match === null) throw modelNotFound(decodeName(afterPrefix.split('/', 1)[0] ?? ''), ctx.resolver.availableIds);
    // Relative links in an upstream UI only work under a trailing slash.
    if (match.rest === '') return c.redirect(`${pathname}/${query}`, 308);
    state.model = match.target.label;
    ctx.governance?.admitPassthrough(state, match.target);
    const declared = getDeclaredLength(state.headers, limit);
    const io = createClientIO(c, state);
    const stream = io.body();
    const body = stream === null ? null : { head: null, rest: stream, received: 0, limitBytes: limit };
    const request = { path: match.rest + query, method: state.method, body, contentLength: stream === null ? null : declared };
    await proxyRequest(ctx, io, state, match.target, request, null);
    return io.response();
  });
}

function decodeName(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // shown in an error message only
  }
}
