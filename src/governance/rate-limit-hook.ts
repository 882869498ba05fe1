// Requests per minute per key (or per client address without keys), with the X-RateLimit
// headers on every answer and a 429 with Retry-After past the limit.
import type { RateLimitConfig } from '../config/types.js';
import { createRateLimitedError, getRateLimitHeaders, getRateLimitId, getRequestsPerMinute, type RateLimiter } from '../policy/rate-limiter.js';
import { PASS, type PipelineHook } from '../proxy/hooks.js';

export function createRateLimitHook(limiter: RateLimiter, rateLimits: RateLimitConfig): PipelineHook {
  return {
    name: 'rate-limit',
    admitCaller({ facts, caller }) {
      const requestsPerMinute = getRequestsPerMinute(caller, rateLimits);
      if (requestsPerMinute === null) return PASS;
      const result = limiter.take(getRateLimitId(caller, facts.clientIp ?? 'unknown'), requestsPerMinute);
      const headers = getRateLimitHeaders(result);
      if (!result.ok) return { kind: 'refuse', error: createRateLimitedError(result), headers };
      return { kind: 'pass', headers };
    },
  };
}
