// Everything swapgate enforces beyond proxying (API keys, admin routes, rate limits, policies,
// the response cache, the audit log), compiled once from the config so a bad rule fails at
// boot. What is not configured costs nothing: with none of it, both parts are null and the
// proxy path is exactly the ungoverned one.
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../../config/types.js';
import { createKeyring } from '../../policy/api-keys.js';
import { createPolicyEngine } from '../../policy/create-policy-engine.js';
import { compileModelMatcher } from '../../policy/match-model-globs.js';
import { createRateLimiter } from '../../policy/rate-limiter.js';
import { createResponseCache } from '../../policy/response-cache.js';
import type { Logger } from '../../shared/logger.js';
import type { AppEnv } from '../app-env.js';
import { createAuditRecorder } from './audit-recorder.js';
import { createGovernanceMiddleware } from './governance-middleware.js';
import { createProxyGovernance, type ProxyGovernance } from './proxy-governance.js';
import { acquireAuditLog, type SharedAuditLog } from './shared-audit-log.js';

export interface Governance {
  /** Keys, admin routes, rate limits and the audit hook; null when none is configured. */
  readonly middleware: MiddlewareHandler<AppEnv> | null;
  /** Key scopes, policies, cache and response governance for the proxy routes; null when unused. */
  readonly proxy: ProxyGovernance | null;
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
  /** Monotonic milliseconds: request durations (as the request context), rate limits, cache TTL. */
  readonly now?: () => number;
}

export function createGovernance(config: Config, options: GovernanceOptions): Governance {
  const now = options.now ?? (() => performance.now());
  const audit = options.audit ?? null;
  config.apiKeys.forEach((k, i) => {
    if (k.key.length === 0) throw new TypeError(`apiKeys[${i}] ("${k.name}"): the key is empty`);
  });
  const keyring = createKeyring(config.apiKeys);
  const engine = config.policies.length > 0 ? createPolicyEngine({ policies: config.policies }) : null;
  const limited = config.rateLimits.defaultRequestsPerMinute !== null || config.apiKeys.some((k) => k.requestsPerMinute !== null);
  const limiter = limited ? createRateLimiter({ now }) : null;
  const { cache: cacheConfig } = config;
  const cache = cacheConfig.enabled ? createResponseCache({ maxEntries: cacheConfig.maxEntries, ttlMs: cacheConfig.ttlMs, now }) : null;
  const recorder = audit === null ? null : createAuditRecorder({ shared: audit, logger: options.logger, now });

  const scoped = config.apiKeys.some((k) => k.models !== null);
  const proxy =
    scoped || engine !== null || cache !== null || recorder !== null
      ? createProxyGovernance({
          engine,
          policyMatchers: config.policies.map((p) => compileModelMatcher(p.models)),
          cache,
          recorder,
          logger: options.logger,
        })
      : null;
  let closed = false;
  return {
    middleware: createGovernanceMiddleware({ keyring, limiter, rateLimits: config.rateLimits, recorder }),
    proxy,
    audit,
    recordAdmin: (action, target) => recorder?.recordAdmin(action, target),
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
