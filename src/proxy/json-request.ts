// JSON inference routes: read the body once, route on "model", apply filters, admit, forward.
// The body is re-serialized only when something changed, so the common case forwards the
// client's bytes.
import { proxyRequest, proxyWithLoadingState } from './acquire-and-forward.js';
import { admitModel } from './admit.js';
import type { Exchange } from './exchange.js';
import { applyFilters } from './filters.js';
import type { JsonObject } from './hooks.js';
import { LoadingStateStream } from './loading-state.js';
import type { Target } from './model-resolver.js';
import type { PipelineContext } from './pipeline-context.js';
import { BodyDeadline } from './body-deadline.js';
import { badRequest, modelMissing, modelNotFound } from './proxy-errors.js';
import { getDeclaredLength, readBody, takeCompleteBody } from './read-body.js';

export async function proxyJson(ctx: PipelineContext, exchange: Exchange): Promise<void> {
  const limit = ctx.config.maxRequestBodyBytes;
  const declared = getDeclaredLength(exchange.headers, limit);
  const stream = declared === 0 ? null : exchange.body;
  const raw = takeCompleteBody(stream, limit) ?? (await readBody(stream, limit, new BodyDeadline(ctx.requestBodyTimeoutMs)));
  if (raw.length === 0) throw modelMissing('request body (it is empty; expected a JSON object)', ctx.resolver.availableIds);
  const body = parseJsonObject(raw);
  const requested = body.model;
  if (typeof requested !== 'string' || requested === '') throw modelMissing('request body', ctx.resolver.availableIds);
  const target = ctx.resolver.resolve(requested);
  if (target === null) throw modelNotFound(requested, ctx.resolver.availableIds);

  let changed = target.filters !== null || requested !== target.upstreamModel;
  if (changed) {
    if (target.filters !== null) applyFilters(body, target.filters);
    body.model = target.upstreamModel;
  }
  const admitted = await admitModel(ctx, exchange, target, 'json', body);
  if (admitted === null) return;
  const forwarded = admitted.body ?? body;
  if (forwarded !== body) changed = true;
  const payload = changed ? Buffer.from(JSON.stringify(forwarded)) : raw;
  const request = { path: exchange.rawUrl, method: exchange.method, body: payload, contentLength: payload.length, wrappers: admitted.wrappers, unencoded: admitted.unencoded };
  if (wantsLoadingState(target, exchange.path, forwarded)) {
    const loading = new LoadingStateStream(exchange, requested, ctx.loadingDotIntervalMs);
    await proxyWithLoadingState(proxyRequest(ctx, exchange, target, request, loading), loading);
  } else await proxyRequest(ctx, exchange, target, request, null);
}

function wantsLoadingState(target: Target, path: string, body: JsonObject): boolean {
  return target.kind === 'local' && target.model.sendLoadingState && body.stream === true && path === '/v1/chat/completions';
}

export function parseJsonObject(raw: Buffer): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw badRequest(`request body is not valid JSON (${reason}); expected a JSON object with "model"`, null, cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('request body must be a JSON object with "model"');
  }
  return parsed as JsonObject;
}
