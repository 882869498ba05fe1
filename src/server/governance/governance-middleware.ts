// Runs after the request context and CORS, before any route: who is calling (API keys), may
// they manage the daemon (admin keys), are they within their rate limit, and, with an audit
// log, the hook that records the request once its response is over. /health and OPTIONS
// requests pass untouched. Returns null when nothing is configured: no work per request.
import type { MiddlewareHandler, Next } from 'hono';
import type { RateLimitConfig } from '../../config/types.js';
import { createAdminForbiddenError, createUnauthorizedError, extractPresentedKey, type Keyring } from '../../policy/api-keys.js';
import {
  createRateLimitedError,
  getRateLimitHeaders,
  getRateLimitId,
  getRequestsPerMinute,
  type RateLimiter,
} from '../../policy/rate-limiter.js';
import { isSwapgateError } from '../../shared/errors.js';
import { getHeader, type AppContext, type AppEnv, type RequestState } from '../app-env.js';
import { isUiShellPath } from '../ui/ui-shell-paths.js';
import { isAdminPath } from './admin-routes.js';
import type { AuditRecorder } from './audit-recorder.js';
import { getGovernedRequest, type GovernedRequest } from './governed-request.js';

export interface GovernanceMiddlewareParts {
  readonly keyring: Keyring;
  readonly limiter: RateLimiter | null;
  readonly rateLimits: RateLimitConfig;
  readonly recorder: AuditRecorder | null;
}

export function createGovernanceMiddleware(parts: GovernanceMiddlewareParts): MiddlewareHandler<AppEnv> | null {
  const { keyring, limiter, rateLimits, recorder } = parts;
  if (!keyring.enabled && limiter === null && recorder === null) return null;

  /** Throws the 401/403/429 that refuses the caller. */
  const admitCaller = (request: GovernedRequest): void => {
    const { state } = request;
    if (keyring.enabled) {
      const presented = extractPresentedKey({
        authorization: getHeader(state.headers, 'authorization'),
        'x-api-key': getHeader(state.headers, 'x-api-key'),
      });
      const key = keyring.find(presented);
      if (key === null) throw createUnauthorizedError(presented !== null);
      request.key = key;
      state.keyName = key.name;
    }
    if (keyring.adminRequired && isAdminPath(state.path) && request.key?.admin !== true) throw createAdminForbiddenError(request.key);
    if (limiter === null) return;
    const requestsPerMinute = getRequestsPerMinute(request.key, rateLimits);
    if (requestsPerMinute === null) return;
    const result = limiter.take(getRateLimitId(request.key, request.clientIp ?? 'unknown'), requestsPerMinute);
    Object.assign(state.responseHeaders, getRateLimitHeaders(result));
    if (!result.ok) throw createRateLimitedError(result);
  };

  // Recorded when the response is really over (streams included), with what the client got,
  // once every 'close' listener ran (a cut stream's governor has reported its decisions).
  const recordClosed = (state: RequestState, status: number): void => {
    if (recorder !== null) void recorder.finish(getGovernedRequest(state), status);
  };

  // Not async (a throw still reaches onError through hono's compose): one microtask less.
  return function governance(c, next) {
    const state = c.get('state');
    // The UI's page shell holds no data: it must load without a key, so a user can paste one.
    if (state.path === '/health' || state.method === 'OPTIONS' || isUiShellPath(state.path)) return next();
    const request = getGovernedRequest(state);
    try {
      admitCaller(request);
    } catch (error) {
      if (recorder !== null && isSwapgateError(error)) void recorder.finish(request, error.status);
      throw error;
    }
    if (recorder === null) return next();
    if (state.node === null) return recordInProcess(c, next, request, recorder);
    state.onClosed = recordClosed;
    return next();
  };
}

/** app.request(): the status is on the hono response; a stream is over when its body ends. */
async function recordInProcess(c: AppContext, next: Next, request: GovernedRequest, recorder: AuditRecorder): Promise<void> {
  await next();
  const status = c.res.status;
  const ended = request.state.streamEnded;
  if (ended === null) void recorder.finish(request, status);
  else void ended.then(() => recorder.finish(request, status));
}
