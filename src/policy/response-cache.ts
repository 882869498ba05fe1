// Cache for identical deterministic requests. Only non-streaming requests whose answer is
// reproducible are cacheable: temperature 0 (greedy decoding), or an integer seed (the
// client asked for a repeatable sample). Anything else would freeze one random answer.
// Entries are LRU-bounded by count and expire after ttlMs (injected clock).
import { createHash } from 'node:crypto';
import { LruMap } from '../shared/lru-map.js';
import { isRecord } from './extract-texts.js';

export interface CachedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface ResponseCache {
  get(key: string): CachedResponse | null;
  set(key: string, response: CachedResponse): void;
  clear(): void;
  readonly size: number;
}

export interface ResponseCacheOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly now?: () => number;
}

export function isCacheable(body: unknown): boolean {
  if (!isRecord(body) || body.stream === true) return false;
  return body.temperature === 0 || Number.isInteger(body.seed);
}

/** JSON with object keys sorted at every level, so key order does not change the cache key. */
export function stringifyStable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stringifyStable(v === undefined ? null : v)).join(',')}]`;
  if (isRecord(value)) {
    const parts = Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stringifyStable(value[k])}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `scope` (e.g. the key name) keeps callers from seeing each other's cached answers. */
export function createCacheKey(modelId: string, body: unknown, scope = ''): string {
  return createHash('sha256').update(`${scope}\u0000${modelId}\u0000${stringifyStable(body)}`).digest('hex');
}

const CACHED_HEADERS = ['content-type', 'content-encoding', 'x-request-id', 'openai-processing-ms'];

/** The response headers worth replaying from cache. */
export function pickCacheHeaders(headers: Iterable<readonly [string, string]>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (CACHED_HEADERS.includes(name.toLowerCase())) kept[name.toLowerCase()] = value;
  }
  return kept;
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const now = options.now ?? Date.now;
  const entries = new LruMap<string, { response: CachedResponse; expiresAt: number }>({ maxEntries: options.maxEntries });
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return null;
      if (entry.expiresAt > now()) return entry.response;
      entries.delete(key); // expired: gone, not just skipped
      return null;
    },
    set(key, response) {
      if (options.maxEntries <= 0) return;
      entries.set(key, { response, expiresAt: now() + options.ttlMs });
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
