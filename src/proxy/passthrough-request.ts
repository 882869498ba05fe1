// /upstream/<model>/<path>: raw passthrough to a model's own server (its UI, /metrics, ...),
// starting it if needed. The path after the model and the query go upstream byte for byte.
import { proxyRequest } from './acquire-and-forward.js';
import { admitModel } from './admit.js';
import { BodyDeadline } from './body-deadline.js';
import type { Exchange } from './exchange.js';
import type { PipelineContext } from './pipeline-context.js';
import { modelNotFound } from './proxy-errors.js';
import { getDeclaredLength } from './read-body.js';

const PREFIX = '/upstream/';

export async function proxyPassthrough(ctx: PipelineContext, exchange: Exchange): Promise<void> {
  const limit = ctx.config.maxRequestBodyBytes;
  const raw = exchange.rawUrl;
  const q = raw.indexOf('?');
  const pathname = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q);
  const afterPrefix = pathname.slice(PREFIX.length);
  const match = ctx.resolver.matchPrefix(afterPrefix);
  if (match === null) throw modelNotFound(decodeName(afterPrefix.split('/', 1)[0] ?? ''), ctx.resolver.availableIds);
  // Relative links in an upstream UI only work under a trailing slash.
  if (match.rest === '') {
    exchange.writeHead(308, { location: `${pathname}/${query}`, 'content-length': 0 });
    exchange.complete();
    return;
  }
  const admitted = await admitModel(ctx, exchange, match.target, 'passthrough', null);
  if (admitted === null) return;
  const declared = getDeclaredLength(exchange.headers, limit);
  const stream = exchange.body;
  const body = stream === null ? null : { head: null, rest: stream, received: 0, limitBytes: limit, deadline: new BodyDeadline(ctx.requestBodyTimeoutMs) };
  const request = { path: match.rest + query, method: exchange.method, body, contentLength: stream === null ? null : declared, wrappers: admitted.wrappers, unencoded: admitted.unencoded };
  await proxyRequest(ctx, exchange, match.target, request, null);
}

function decodeName(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // shown in an error message only
  }
}
