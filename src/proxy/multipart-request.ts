// Multipart inference routes (transcriptions, image edits): stream the upload through, holding
// back only what precedes the "model" field; rewrite that field in place when the upstream
// expects another name.
import { proxyRequest } from './acquire-and-forward.js';
import { admitModel } from './admit.js';
import type { Exchange } from './exchange.js';
import { getHeader } from './get-header.js';
import { BodyDeadline } from './body-deadline.js';
import { getMultipartBoundary, scanForModelField } from './multipart-model.js';
import type { PipelineContext } from './pipeline-context.js';
import { badRequest, modelMissing, modelNotFound } from './proxy-errors.js';
import { getDeclaredLength } from './read-body.js';

export async function proxyMultipart(ctx: PipelineContext, exchange: Exchange): Promise<void> {
  const limit = ctx.config.maxRequestBodyBytes;
  const declared = getDeclaredLength(exchange.headers, limit);
  const boundary = getMultipartBoundary(getHeader(exchange.headers, 'content-type'));
  if (boundary === null) throw badRequest('expected a multipart/form-data body with a boundary');
  const stream = exchange.body;
  const deadline = new BodyDeadline(ctx.requestBodyTimeoutMs);
  const scan = await scanForModelField(stream, boundary, limit, deadline);
  const field = scan.field;
  if (field === null || field.value === '') throw modelMissing('multipart form field', ctx.resolver.availableIds);
  const target = ctx.resolver.resolve(field.value);
  if (target === null) throw modelNotFound(field.value, ctx.resolver.availableIds);
  const admitted = await admitModel(ctx, exchange, target, 'multipart', null);
  if (admitted === null) return;

  let head = scan.head;
  let length = declared;
  if (target.upstreamModel !== field.value) {
    const name = Buffer.from(target.upstreamModel);
    head = Buffer.concat([head.subarray(0, field.start), name, head.subarray(field.end)]);
    if (length !== null) length += name.length - (field.end - field.start);
  }
  const body = { head, rest: scan.ended ? null : stream, received: scan.head.length, limitBytes: limit, deadline };
  const request = { path: exchange.rawUrl, method: exchange.method, body, contentLength: length, wrappers: admitted.wrappers, unencoded: admitted.unencoded };
  await proxyRequest(ctx, exchange, target, request, null);
}
