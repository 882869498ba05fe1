// GET routes that name their model in the query string (?model=).
import type { Handler } from 'hono';
import type { AppEnv } from './app-env.js';
import { createClientIO } from './client-io.js';
import { modelMissing, modelNotFound } from './http-errors.js';
import type { ProxyContext } from './proxy-context.js';
import { proxyRequest } from './proxy-flow.js';

export function createQueryProxy(ctx: ProxyContext): Handler<AppEnv> {
  return async function queryProxy(c) {
    const state = c.get('state');
    const requested = c.req.query('model');
    if (requested === undefined || requested === '') throw modelMissing('query string (?model=)', ctx.resolver.availableIds);
    const target = ctx.resolver.resolve(requested);
    if (target === null) throw modelNotFound(requested, ctx.resolver.availableIds);
    state.model = target.label;
    ctx.governance?.admitModel(state, target);
    const io = createClientIO(c, state);
    let path = state.rawUrl;
    if (target.upstreamModel !== requested) {
      const query = new URLSearchParams(path.slice(path.indexOf('?') + 1));
      query.set('model', target.upstreamModel);
      path = `${state.path}?${query.toString()}`;
    }
    await proxyRequest(ctx, io, state, target, { path, method: state.method, body: null, contentLength: null }, null);
    return io.response();
  };
}
