// Multipart inference routes (transcriptions, image edits): stream the upload through, holding
// back only what precedes the "model" field; rewrite that field in place when the upstream
// expects another name.
import type { Handler } from 'hono';
import { getHeader, type AppEnv } from './app-env.js';
import { createClientIO } from './client-io.js';
import { badRequest, modelMissing, modelNotFound } from './http-errors.js';
import { getMultipartBoundary, scanForModelField } from './multipart-model.js';
import type { ProxyContext } from './proxy-context.js';
import { proxyRequest } from './proxy-flow.js';
import { getDeclaredLength } from './read-body.js';

export function createMultipartProxy(ctx: ProxyContext): Handler<AppEnv> {
  const limit = ctx.config.maxRequestBodyBytes;
  return async function multipartProxy(c) {
    const state = c.get('state');
    const io = createClientIO(c, state);
    const declared = getDeclaredLength(state.headers, limit);
    const boundary = getMultipartBoundary(getHeader(state.headers, 'content-type'));
    if (boundary === null) throw badRequest('expected a multipart/form-data body with a boundary');
    const stream = io.body();
    const scan = await scanForModelField(stream, boundary, limit);
    const field = scan.field;
    if (field === null || field.value === '') throw modelMissing('multipart form field', ctx.resolver.availableIds);
    const target = ctx.resolver.resolve(field.value);
    if (target === null) throw modelNotFound(field.value, ctx.resolver.availableIds);
    state.model = target.label;
    ctx.governance?.admitModel(state, target);

    let head = scan.head;
    let length = declared;
    if (target.upstreamModel !== field.value) {
      const name = Buffer.from(target.upstreamModel);
      head = Buffer.concat([head.subarray(0, field.start), name, head.subarray(field.end)]);
      if (length !== null) length += name.length - (field.end - field.start);
    }
    const body = { head, rest: scan.ended ? null : stream, received: scan.head.length, limitBytes: limit };
    await proxyRequest(ctx, io, state, target, { path: state.rawUrl, method: state.method, body, contentLength: length }, null);
    return io.response();
  };
}
