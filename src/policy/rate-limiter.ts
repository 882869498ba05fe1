// Token-bucket rate limits per caller (API key name, or client IP when no keys are set).
// Capacity = requests per minute, refilled continuously. Memory is bounded: a bucket that has
// refilled completely is indistinguishable from a new one and is dropped first; past
// maxBuckets the least recently used go (those callers simply start with a full bucket).
import type { ApiKeyConfig, RateLimitConfig } from '../config/types.js';
import { SwapgateError } from '../shared/errors.js';

export interface RateLimitResult {
  readonly ok: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the bucket is full again. */
  readonly resetSec: number;
  /** Seconds until one request is allowed (0 when ok). */
  readonly retryAfterSec: number;
}

export interface RateLimiter {
  take(id: string, requestsPerMinute: number): RateLimitResult;
  readonly size: number;
}

export interface RateLimiterOptions {
  readonly now?: () => number;
  readonly maxBuckets?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  rpm: number;
}

const MS_PER_MINUTE = 60_000;

function refill(bucket: Bucket, now: number): void {
  const elapsed = Math.max(0, now - bucket.updatedAt);
  bucket.tokens = Math.min(bucket.rpm, bucket.tokens + (elapsed * bucket.rpm) / MS_PER_MINUTE);
  bucket.updatedAt = now;
}

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const maxBuckets = options.maxBuckets ?? 10_000;
  const buckets = new Map<string, Bucket>();

  // Not shared/lru-map: recency is only the tie-breaker here. Full buckets go first whatever
  // their age (refilled as they are looked at), and the rest is trimmed in one batch.
  const evict = (at: number): void => {
    for (const [id, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.tokens >= bucket.rpm) buckets.delete(id);
    }
    // Drop a tenth at once so a flood of new callers does not sweep the map per request.
    const target = Math.floor(maxBuckets * 0.9);
    for (const id of buckets.keys()) {
      if (buckets.size <= target) break;
      buckets.delete(id);
    }
  };

  return {
    take(id, requestsPerMinute) {
      const at = now();
      const rpm = Math.max(0, requestsPerMinute);
      let bucket = buckets.get(id);
      if (bucket) {
        buckets.delete(id); // re-inserted below: Map order is least recently used first
        refill(bucket, at);
        if (bucket.rpm !== rpm) {
          bucket.rpm = rpm;
          bucket.tokens = Math.min(bucket.tokens, rpm);
        }
      } else {
        if (buckets.size >= maxBuckets) evict(at);
        bucket = { tokens: rpm, updatedAt: at, rpm };
      }
      buckets.set(id, bucket);
      const ok = bucket.tokens >= 1;
      if (ok) bucket.tokens -= 1;
      const perSecond = rpm / 60;
      const secondsFor = (tokens: number): number => (perSecond > 0 ? Math.ceil(tokens / perSecond) : 60);
      return {
        ok,
        limit: rpm,
        remaining: Math.floor(bucket.tokens),
        resetSec: secondsFor(rpm - bucket.tokens),
        retryAfterSec: ok ? 0 : Math.max(1, secondsFor(1 - bucket.tokens)),
      };
    },
    get size() {
      return buckets.size;
    },
  };
}

/** The key's own limit, else the default; null = unlimited. */
export function getRequestsPerMinute(key: ApiKeyConfig | null, config: RateLimitConfig): number | null {
  return key?.requestsPerMinute ?? config.defaultRequestsPerMinute;
}

export function getRateLimitId(key: ApiKeyConfig | null, clientIp: string): string {
  return key ? `key:${key.name}` : `ip:${clientIp}`;
}

/** OpenAI-style headers; Retry-After only on a refusal. */
export function getRateLimitHeaders(result: RateLimitResult): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': String(result.limit),
    'x-ratelimit-remaining-requests': String(result.remaining),
    'x-ratelimit-reset-requests': `${result.resetSec}s`,
    ...(result.ok ? {} : { 'retry-after': String(result.retryAfterSec) }),
  };
}

export function createRateLimitedError(result: RateLimitResult): SwapgateError {
  return new SwapgateError('rate_limited', `rate limit of ${result.limit} requests per minute exceeded; retry in ${result.retryAfterSec}s`, {
    status: 429,
    type: 'rate_limit_error',
    retryAfterSec: result.retryAfterSec,
  });
}
