import { describe, expect, it } from 'vitest';
import { createRateLimitedError, createRateLimiter, getRateLimitHeaders, getRateLimitId, getRequestsPerMinute } from '../../src/policy/rate-limiter.js';

function fakeNow(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

describe('rate limiter', () => {
  it('allows rpm requests, then refuses with Retry-After, then refills continuously', () => {
    const clock = fakeNow();
    const limiter = createRateLimiter({ now: clock.now });
    const results = Array.from({ length: 3 }, () => limiter.take('key:alice', 3));
    expect(results.map((r) => [r.ok, r.remaining])).toEqual([[true, 2], [true, 1], [true, 0]]);
    const refused = limiter.take('key:alice', 3);
    expect(refused).toMatchObject({ ok: false, limit: 3, remaining: 0, retryAfterSec: 20 });
    const error = createRateLimitedError(refused);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSec: 20 });
    expect(getRateLimitHeaders(refused)).toEqual({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '60s',
      'retry-after': '20',
    });
    clock.advance(19_999);
    expect(limiter.take('key:alice', 3).ok).toBe(false);
    clock.advance(1);
    expect(limiter.take('key:alice', 3).ok).toBe(true);
    clock.advance(60_000);
    expect(limiter.take('key:alice', 3)).toMatchObject({ ok: true, remaining: 2 });
  });

  it('keeps callers apart', () => {
    const limiter = createRateLimiter({ now: fakeNow().now });
    expect(limiter.take('a', 1).ok).toBe(true);
    expect(limiter.take('a', 1).ok).toBe(false);
    expect(limiter.take('b', 1).ok).toBe(true);
  });

  it('bounds memory, dropping refilled buckets first', () => {
    const clock = fakeNow();
    const limiter = createRateLimiter({ now: clock.now, maxBuckets: 100 });
    for (let i = 0; i < 100; i++) limiter.take(`ip:${i}`, 60);
    limiter.take('ip:busy', 1);
    expect(limiter.size).toBeLessThanOrEqual(100);
    clock.advance(2_000); // the one-off callers have refilled
    for (let i = 0; i < 500; i++) limiter.take(`ip:new-${i}`, 60);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });

  it('picks the limit and the id', () => {
    const key = { key: 'k', name: 'alice', models: null, requestsPerMinute: 5, admin: false };
    expect(getRequestsPerMinute(key, { defaultRequestsPerMinute: 60 })).toBe(5);
    expect(getRequestsPerMinute({ ...key, requestsPerMinute: null }, { defaultRequestsPerMinute: 60 })).toBe(60);
    expect(getRequestsPerMinute(null, { defaultRequestsPerMinute: null })).toBeNull();
    expect(getRateLimitId(key, '1.2.3.4')).toBe('key:alice');
    expect(getRateLimitId(null, '1.2.3.4')).toBe('ip:1.2.3.4');
  });
});
