// Every route with its auth rule declared next to its path: "public" (no key ever), "key" (a
// valid key when keys are configured), "admin" (an admin key when any key is one). The rule
// is enforced by one wrapper (route-auth.ts); a route without one cannot be declared.
import type { Handler } from 'hono';
import type { AdminAction, RouteAuth } from '../proxy/hooks.js';
import type { BodyReader } from '../proxy/pipeline.js';
import type { AppEnv } from './app-env.js';

interface RouteBase {
  readonly method: 'GET' | 'POST' | 'ALL';
  /** Exact, or a prefix ending in "/*". */
  readonly path: string;
  readonly auth: RouteAuth;
}

/** A route hono serves (management, logs, the UI). */
export interface HandledRoute extends RouteBase {
  /** Recorded by the audit log as this management action. */
  readonly admin?: AdminAction;
  readonly handle: Handler<AppEnv>;
}

/** A route the proxy pipeline serves, reading the body as `proxy` says. */
export interface ProxiedRoute extends RouteBase {
  readonly proxy: BodyReader;
}

export type RouteDecl = HandledRoute | ProxiedRoute;

/** The JSON-body inference routes: the model is the body's "model". */
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

/** Multipart uploads: the model is a form field. */
export const MULTIPART_MODEL_ROUTES = ['/v1/audio/transcriptions', '/v1/images/edits'] as const;

/** GET routes: the model is `?model=`. */
export const QUERY_MODEL_ROUTES = ['/props', '/v1/audio/voices'] as const;
