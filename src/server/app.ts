// Composes the HTTP layer: request context (with CORS) → governance (keys, admin routes, rate
// limits, audit) → routes, one onError for everything.
import { performance } from 'node:perf_hooks';
import { Hono } from 'hono';
import type { Config } from '../config/types.js';
import type { StateChange } from '../process/types.js';
import type { LogHub } from '../shared/log-hub.js';
import type { Logger } from '../shared/logger.js';
import type { Supervisor } from '../supervisor/types.js';
import type { AppEnv } from './app-env.js';
import { createCors } from './cors.js';
import { EndpointPool } from './endpoint-pool.js';
import { createErrorHandler, createNotFoundHandler } from './error-response.js';
import { createGovernance, type Governance } from './governance/governance.js';
import { registerInferenceRoutes } from './inference-routes.js';
import { registerLogRoutes } from './log-routes.js';
import { registerModelRoutes } from './model-routes.js';
import { ModelResolver } from './model-resolver.js';
import type { ProxyContext } from './proxy-context.js';
import { createRequestContext } from './request-context.js';
import { registerUiRoutes } from './ui-routes.js';
import { registerUpstreamRoutes } from './upstream-routes.js';

export interface AppDeps {
  readonly config: Config;
  readonly supervisor: Supervisor;
  readonly logger: Logger;
  readonly hub: LogHub;
  /** Monotonic milliseconds for request durations (default performance.now). */
  readonly now?: () => number;
  /** Idle timeout on upstream requests before a 504; 0 (default) = none. */
  readonly upstreamTimeoutMs?: number;
  /** Interval of progress dots in loading-state streams (default 1000). */
  readonly loadingDotIntervalMs?: number;
  /**
   * A "ready" upstream refused the connection (it has probably just died): how long to wait for
   * the supervisor to notice before sending the request to a fresh start (default 2000).
   */
  readonly refusedRetryWaitMs?: number;
  /**
   * Keys, admin routes, rate limits, policies, cache and audit, from openGovernance (which opens
   * the audit log). Default: createGovernance for the config, without an audit log.
   */
  readonly governance?: Governance;
}

export interface SwapgateApp {
  readonly app: Hono<AppEnv>;
  readonly resolver: ModelResolver;
  /** Closes pooled upstream connections. */
  close(): void;
}

export function createApp(deps: AppDeps): SwapgateApp {
  const { config, supervisor, logger, hub } = deps;
  const upstreamTimeoutMs = deps.upstreamTimeoutMs ?? 0;
  const loadingDotIntervalMs = deps.loadingDotIntervalMs ?? 1000;
  if (!Number.isFinite(upstreamTimeoutMs) || upstreamTimeoutMs < 0) {
    throw new TypeError(`upstreamTimeoutMs: expected a non-negative number, got ${upstreamTimeoutMs}`);
  }
  if (!(loadingDotIntervalMs > 0)) throw new TypeError(`loadingDotIntervalMs: expected a positive number, got ${loadingDotIntervalMs}`);

  const resolver = new ModelResolver(config);
  const pool = new EndpointPool();
  const refusedRetryWaitMs = deps.refusedRetryWaitMs ?? 2000;
  const now = deps.now ?? (() => performance.now());
  const governance = deps.governance ?? createGovernance(config, { logger, now });
  if (deps.governance === undefined && config.audit !== null) {
    logger.warn('audit is configured but no audit log was opened (openGovernance): nothing is audited');
  }
  const ctx: ProxyContext = {
    config,
    supervisor,
    resolver,
    pool,
    upstreamTimeoutMs,
    loadingDotIntervalMs,
    logTailLines: 20,
    refusedRetryWaitMs,
    governance: governance.proxy,
  };

  const app = new Hono<AppEnv>();
  const cors = createCors({ origins: config.corsOrigins });
  app.use(createRequestContext({ logger, now, cors }));
  if (governance.middleware) app.use(governance.middleware);

  registerInferenceRoutes(app, ctx);
  registerUpstreamRoutes(app, ctx);
  registerModelRoutes(app, { config, supervisor, resolver });
  registerLogRoutes(app, { hub, resolver });
  registerUiRoutes(app, { config, supervisor, hub });

  app.onError(createErrorHandler(logger));
  app.notFound(createNotFoundHandler());
  // A stop comes only after the model drained; its idle sockets would delay the upstream's exit.
  const onState = (change: StateChange): void => {
    if (change.to !== 'stopping') return;
    const { baseUrl } = supervisor.status(change.modelId);
    if (baseUrl !== null) pool.drop(baseUrl);
  };
  supervisor.on('state', onState);
  return {
    app,
    resolver,
    close: () => {
      supervisor.off('state', onState);
      pool.destroy();
    },
  };
}
