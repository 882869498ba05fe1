// GET routes that name their model in the query string (?model=).
import { proxyRequest } from './acquire-and-forward.js';
import { admitModel } from './admit.js';
import type { Exchange } from './exchange.js';
import type { PipelineContext } from './pipeline-context.js';
import { modelMissing, modelNotFound } from './proxy-errors.js';

export async function proxyQuery(ctx: PipelineContext, exchange: Exchange): Promise<void> {
  let path = exchange.rawUrl;
  const q = path.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
  const requested = query.get('model');
  if (requested === null || requested === '') throw modelMissing('query string (?model=)', ctx.resolver.availableIds);
  const target = ctx.resolver.resolve(requested);
  if (target === null) throw modelNotFound(requested, ctx.resolver.availableIds);
  const admitted = await admitModel(ctx, exchange, target, 'query', null);
  if (admitted === null) return;
  if (target.upstreamModel !== requested) {
    query.set('model', target.upstreamModel);
    path = `${exchange.path}?${query.toString()}`;
  }
  const request = { path, method: exchange.method, body: null, contentLength: null, wrappers: admitted.wrappers, unencoded: admitted.unencoded };
  await proxyRequest(ctx, exchange, target, request, null);
}
