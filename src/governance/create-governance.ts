// Everything swapgate enforces beyond proxying, as pipeline hooks compiled once from the config
// (a bad rule fails at boot): keys, rate limits, policies, the response cache and the audit log.
// What is not configured is not registered, so it costs nothing. Token usage, which the audit
// record and the activity store both carry, is metered by the app for every generation
// (createUsageHook, registered by server/app.ts ahead of these).
import type { Config } from '../config/types.js';
import { acquireAuditLog, type SharedAuditLog } from '../audit/shared-audit-log.js';
import { createKeyring } from '../policy/api-keys.js';
import { createPolicyEngine } from '../policy/create-policy-engine.js';
import { compileModelMatcher } from '../policy/match-model-globs.js';
import { createRateLimiter } from '../policy/rate-limiter.js';
import { createResponseCache } from '../policy/response-cache.js';
import type { Logger } from '../shared/logger.js';
import type { PipelineHook } from '../proxy/hooks.js';
import { createApiKeyHook } from './api-key-hook.js';
import { createAuditHook } from './audit-hook.js';
import { createCacheHook } from './cache-hook.js';
import { createPolicyHook } from './policy-hook.js';
import { createRateLimitHook } from './rate-limit-hook.js';

export interface Governance {
  /** In the order they run: api-key, rate-limit, policy, cache, audit. */
  readonly hooks: readonly PipelineHook[];
  /** The audit log written to (shared with the next generation when its path stays the same). */
  readonly audit: SharedAuditLog | null;
  /** An admin action outside any request (a config reload). */
  recordAdmin(action: string, target: string | null): void;
  /** Flushes and releases the audit log; never rejects. */
  close(): Promise<void>;
}

export interface GovernanceOptions {
  readonly logger: Logger;
  /** Opened by openGovernance; null writes no audit records. */
  readonly audit?: SharedAuditLog | null;
  /** Monotonic milliseconds: rate limits, cache TTL. */
  readonly now?: () => number;
}

export function createGovernance(config: Config, options: GovernanceOptions): Governance {
  const { logger } = options;
  const now = options.now ?? (() => performance.now());
  const audit = options.audit ?? null;
  config.apiKeys.forEach((k, i) => {
    if (k.key.length === 0) throw new TypeError(`apiKeys[${i}] ("${k.name}"): the key is empty`);
  });
  const hooks: PipelineHook[] = [];
  const scoped = config.apiKeys.some((k) => k.models !== null);
  const keys = createApiKeyHook(createKeyring(config.apiKeys), scoped);
  if (keys !== null) hooks.push(keys);
  const limited = config.rateLimits.defaultRequestsPerMinute !== null || config.apiKeys.some((k) => k.requestsPerMinute !== null);
  if (limited) hooks.push(createRateLimitHook(createRateLimiter({ now }), config.rateLimits));
  if (config.policies.length > 0) {
    const engine = createPolicyEngine({ policies: config.policies });
    hooks.push(createPolicyHook({ engine, matchers: config.policies.map((p) => compileModelMatcher(p.models)), logger }));
  }
  const { cache } = config;
  if (cache.enabled) hooks.push(createCacheHook(createResponseCache({ maxEntries: cache.maxEntries, ttlMs: cache.ttlMs, now })));
  const auditHook = audit === null ? null : createAuditHook(audit);
  if (auditHook !== null) hooks.push(auditHook);

  let closed = false;
  return {
    hooks,
    audit,
    recordAdmin: (action, target) => auditHook?.recordAdmin(action, target),
    async close() {
      if (closed) return;
      closed = true;
      await audit?.release();
    },
  };
}

/** createGovernance with the audit log opened (or taken over from the previous generation). */
export async function openGovernance(
  config: Config,
  options: { readonly logger: Logger; readonly now?: () => number; readonly previous?: Governance | null },
): Promise<Governance> {
  const audit = config.audit === null ? null : await acquireAuditLog(config.audit, options.previous?.audit ?? null, options.logger);
  try {
    return createGovernance(config, { logger: options.logger, audit, ...(options.now === undefined ? {} : { now: options.now }) });
  } catch (error) {
    await audit?.release();
    throw error;
  }
}
