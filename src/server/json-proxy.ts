// JSON inference routes: read the body once, route on "model", apply filters, forward. The body
// is re-serialized only when something changed, so the common case forwards the client's bytes.
import type { Handler } from 'hono';
import type { AppEnv } from './app-env.js';
import { createClientIO } from './client-io.js';
import { applyFilters } from './filters.js';
import { badRequest, modelMissing, modelNotFound } from './http-errors.js';
import { LoadingStateStream } from './loading-state.js';
import type { Target } from './model-resolver.js';
import type { ProxyContext } from './proxy-context.js';
import { proxyRequest, proxyWithLoadingState } from './proxy-flow.js';
import { getDeclaredLength, readBody, takeCompleteBody } from './read-body.js';

type JsonObject = Record<string, unknown>;

export function createJsonProxy(ctx: ProxyContext): Handler<AppEnv> {
  const limit = ctx.config.maxRequestBodyBytes;
  return async function jsonProxy(c) {
    const state = c.get('state');
    const io = createClientIO(c, state);
    const declared = getDeclaredLength(state.headers, limit);
    const stream = declared === 0 ? null : io.body();
    const raw = takeCompleteBody(stream, limit) ?? (await readBody(stream, limit));
    const body = parseJsonObject(raw);
    const requested = body.model;
    if (typeof requested !== 'string' || requested === '') throw modelMissing('request body', ctx.resolver.availableIds);
    const target = ctx.resolver.resolve(requested);
    if (target === null) throw modelNotFound(requested, ctx.resolver.availableIds);
    state.model = target.label;

    let forwarded = body;
    let changed = target.filters !== null || requested !== target.upstreamModel;
    if (changed) {
      if (target.filters !== null) applyFilters(body, target.filters);
      body.model = target.upstreamModel;
    }
    let headWritten: Promise<void> | null = null;
    if (ctx.governance !== null) {
      const admission = await ctx.governance.admitJson(io, state, target, body);
      if (admission.answered) return io.response();
      if (admission.body !== body) changed = true;
      forwarded = admission.body;
      headWritten = admission.headWritten;
    }
    const payload = changed ? Buffer.from(JSON.stringify(forwarded)) : raw;
    const request = { path: state.rawUrl, method: state.method, body: payload, contentLength: payload.length };
    if (wantsLoadingState(target, state.path, forwarded)) {
      const loading = new LoadingStateStream(io, state, requested, ctx.loadingDotIntervalMs);
      await proxyWithLoadingState(proxyRequest(ctx, io, state, target, request, loading), loading);
    } else await proxyRequest(ctx, io, state, target, request, null);
    // An inspected answer is held back: its head reaches the client only after the body.
    if (headWritten !== null) await headWritten;
    return io.response();
  };
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
    throw badRequest(raw.length === 0 ? 'request body is empty; expected a JSON object' : `request body is not valid JSON: ${reason}`, null, cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('request body must be a JSON object');
  }
  return parsed as JsonObject;
}
