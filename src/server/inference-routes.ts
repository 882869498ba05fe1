// The OpenAI-compatible (and llama.cpp / Anthropic-style) inference endpoints.
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.js';
import { createJsonProxy } from './json-proxy.js';
import { createMultipartProxy } from './multipart-proxy.js';
import type { ProxyContext } from './proxy-context.js';
import { createQueryProxy } from './query-proxy.js';

export const JSON_MODEL_ROUTES = [
  '/v1/chat/completions',
  '/v1/completions',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/rerank',
  '/v1/reranking',
  '/rerank',
  '/reranking',
  '/v1/messages',
  '/v1/messages/count_tokens',
  '/infill',
  '/completion',
  '/v1/audio/speech',
  '/v1/images/generations',
] as const;

export const MULTIPART_MODEL_ROUTES = ['/v1/audio/transcriptions', '/v1/images/edits'] as const;

export const QUERY_MODEL_ROUTES = ['/props', '/v1/audio/voices'] as const;

export function registerInferenceRoutes(app: Hono<AppEnv>, ctx: ProxyContext): void {
  const json = createJsonProxy(ctx);
  for (const path of JSON_MODEL_ROUTES) app.post(path, json);
  const multipart = createMultipartProxy(ctx);
  for (const path of MULTIPART_MODEL_ROUTES) app.post(path, multipart);
  const query = createQueryProxy(ctx);
  for (const path of QUERY_MODEL_ROUTES) app.get(path, query);
}
