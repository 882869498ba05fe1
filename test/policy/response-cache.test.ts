import { describe, expect, it } from 'vitest';
import { createCacheKey, createResponseCache, isCacheable, pickCacheHeaders, stringifyStable } from '../../src/policy/response-cache.js';

const response = (text: string) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text) });

describe('response cache', () => {
  it('caches only deterministic non-streaming requests', () => {
    expect(isCacheable({ temperature: 0 })).toBe(true);
    expect(isCacheable({ seed: 42, temperature: 0.8 })).toBe(true);
    expect(isCacheable({ temperature: 0, stream: true })).toBe(false);
    expect(isCacheable({ temperature: 0.2 })).toBe(false);
    expect(isCacheable({ seed: 1.5 })).toBe(false);
    expect(isCacheable({})).toBe(false);
    expect(isCacheable(null)).toBe(false);
  });

  it('keys on model and normalized body', () => {
    const a = createCacheKey('llama', { temperature: 0, messages: [{ role: 'user', content: 'hi' }] });
    const b = createCacheKey('llama', { messages: [{ content: 'hi', role: 'user' }], temperature: 0 });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(createCacheKey('qwen', { temperature: 0 })).not.toBe(createCacheKey('llama', { temperature: 0 }));
    expect(createCacheKey('llama', { temperature: 0 }, 'alice')).not.toBe(createCacheKey('llama', { temperature: 0 }, 'bob'));
    expect(stringifyStable({ b: 1, a: [undefined, { d: 2, c: null }] })).toBe('{"a":[null,{"c":null,"d":2}],"b":1}');
  });

  it('hits, misses, expires and evicts the least recently used', () => {
    let now = 0;
    const cache = createResponseCache({ maxEntries: 2, ttlMs: 1_000, now: () => now });
    expect(cache.get('a')).toBeNull();
    cache.set('a', response('A'));
    cache.set('b', response('B'));
    expect(cache.get('a')?.body.toString()).toBe('A'); // a is now most recent
    cache.set('c', response('C'));
    expect(cache.get('b')).toBeNull();
    expect(cache.get('a')?.body.toString()).toBe('A');
    expect(cache.size).toBe(2);
    now = 999;
    expect(cache.get('c')?.status).toBe(200);
    now = 1_000;
    expect(cache.get('c')).toBeNull();
    expect(cache.get('a')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('keeps a header subset', () => {
    expect(pickCacheHeaders([['Content-Type', 'application/json'], ['set-cookie', 'x'], ['date', 'now']])).toEqual({ 'content-type': 'application/json' });
  });
});
