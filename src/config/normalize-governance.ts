// audit, rateLimits and cache: swapgate's own top-level sections.
import { resolve } from 'node:path';
import type { RawConfig } from './raw-config.js';
import type { AuditConfig, CacheConfig, RateLimitConfig } from './types.js';

export const DEFAULT_AUDIT_FLUSH_INTERVAL_MS = 0;
export const DEFAULT_CACHE_TTL_SEC = 300;
export const DEFAULT_CACHE_MAX_ENTRIES = 1000;

/** null when there is no audit section; a relative path is relative to the config file. */
export function normalizeAudit(raw: RawConfig['audit'], configDir: string): AuditConfig | null {
  if (raw?.path === undefined) return null;
  return {
    path: resolve(configDir, raw.path),
    immutable: raw.immutable ?? true,
    retentionDays: raw.retention_days ?? 0,
    logAllAccess: raw.log_all_access ?? false,
    flushIntervalMs: raw.flush_interval_ms ?? DEFAULT_AUDIT_FLUSH_INTERVAL_MS,
    fsync: raw.fsync ?? false,
  };
}

export function normalizeRateLimits(raw: RawConfig['rateLimits']): RateLimitConfig {
  return { defaultRequestsPerMinute: raw?.default?.requestsPerMinute ?? null };
}

export function normalizeCache(raw: RawConfig['cache']): CacheConfig {
  return {
    enabled: raw?.enabled ?? false,
    ttlMs: (raw?.ttl ?? DEFAULT_CACHE_TTL_SEC) * 1000,
    maxEntries: raw?.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES,
  };
}
