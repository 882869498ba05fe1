// Wires hono routes to handlers: the exchange opener (with CORS) first, then every route of the
// table behind its declared auth, one onError and one notFound, both through the proxy's error
// mapper. The request path itself lives in ../proxy.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono, type Handler } from 'hono';
import type { Config } from '../config/types.js';
import { createGovernance, type Governance } from '../governance/create-governance.js';
import { createRequestLogHook } from '../governance/request-log-hook.js';
import { createUsageHook } from '../governance/usage-hook.js';
import { writeError, toSwapgateError } from '../proxy/error-mapper.js';
import type { PipelineHook, RouteRule } from '../proxy/hooks.js';
import type { ModelResolver } from '../proxy/model-resolver.js';
import { createObservability, type Observability } from '../observe/create-observability.js';
import { Pipeline } from '../proxy/pipeline.js';
import { routeNotFound } from '../proxy/proxy-errors.js';
import type { LogHub } from '../shared/log-hub.js';
import type { Logger } from '../shared/logger.js';
import type { Supervisor } from '../supervisor/types.js';
import type { AppEnv, NodeBindings } from './app-env.js';
import { createCors } from './cors.js';
import { createDirectRoutes } from './direct-routes.js';
import { createExchangeMiddleware, createExchangeOpener } from './open-exchange.js';
import { admitRoute, getRouteRule } from './route-auth.js';
import type { ProxiedRoute, RouteDecl } from './route-table.js';
import { getLogRoutes } from './routes/log-routes.js';
import { getModelRoutes } from './routes/model-routes.js';
import { getObserveRoutes } from './routes/observe-routes.js';
import { getProxyRoutes } from './routes/proxy-routes.js';
import { getUiRoutes } from './routes/ui-routes.js';
import { getVersionRoutes, UNKNOWN_BUILD, type BuildInfo } from './routes/version-routes.js';

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
  /** How long a request refused by a "ready" upstream waits for its restart (default 2000). */
  readonly refusedRetryWaitMs?: number;
  /** Governance hooks from openGovernance (which opens the audit log). Default: none audited. */
  readonly governance?: Governance;
  /** More hooks, after governance's and before the request log (tests). */
  readonly hooks?: readonly PipelineHook[];
  /**
   * The activity store, events and metrics, shared by every generation so that they survive a
   * config reload. Default: one of this app's own, closed with it.
   */
  readonly observe?: Observability;
  /** Answered by GET /api/version. Default: all "unknown". */
  readonly build?: BuildInfo;
  /** The built web UI (dist/ui); default: found beside the daemon. null: serve none (tests). */
  readonly uiDir?: string | null;
}

export interface SwapgateApp {
  readonly app: Hono<AppEnv>;
  /** What the server serves: hono's fetch, and the proxied routes served directly. */
  fetch(request: Request, env: NodeBindings): Response | Promise<Response>;
  serveDirect(incoming: IncomingMessage, outgoing: ServerResponse): boolean;
  /** For `Expect: 100-continue`: a larger declared body gets 413 instead of 100. */
  readonly maxRequestBodyBytes: number;
  readonly resolver: ModelResolver;
  /** Every declared route, with its auth rule. */
  readonly routes: readonly RouteDecl[];
  /** Closes pooled upstream connections. */
  close(): void;
}

export function createApp(deps: AppDeps): SwapgateApp {
  const { config, supervisor, logger, hub } = deps;
  const now = deps.now ?? (() => performance.now());
  const governance = deps.governance ?? createGovernance(config, { logger, now });
  if (deps.governance === undefined && config.audit !== null) {
    logger.warn('audit is configured but no audit log was opened (openGovernance): nothing is audited');
  }
  const observe = deps.observe ?? createObservability({ hub, logger });
  const observed = observe.attach({ config, supervisor });
  const audit = governance.audit;
  if (audit !== null) observe.metrics.countAuditRecords(() => audit.log.written);
  // metricsMaxInMemory 0: no activity rows and no per-request metrics (model states still count).
  const recording = config.metricsMaxInMemory > 0 ? [observed.hook] : [];
  // Usage first: it reads the upstream's own answer, before a policy or the cache changes it.
  // Only the audit record and the activity store need it.
  const metering = recording.length > 0 || audit !== null ? [createUsageHook(now)] : [];
  const pipeline = new Pipeline({
    config,
    supervisor,
    logger,
    hooks: [...metering, ...governance.hooks, ...recording, ...(deps.hooks ?? []), createRequestLogHook(logger)],
    now,
    upstreamTimeoutMs: deps.upstreamTimeoutMs ?? 0,
    loadingDotIntervalMs: deps.loadingDotIntervalMs ?? 1000,
    refusedRetryWaitMs: deps.refusedRetryWaitMs ?? 2000,
  });
  const { resolver, hooks } = pipeline;
  const proxied = getProxyRoutes();
  const routes: RouteDecl[] = [
    ...proxied,
    ...getModelRoutes({ config, supervisor, resolver }),
    ...getLogRoutes({ hub, resolver }),
    ...getUiRoutes({ config, supervisor, observe, ...(deps.uiDir === undefined ? {} : { uiDir: deps.uiDir }) }),
    ...getObserveRoutes(observe),
    ...getVersionRoutes(deps.build ?? UNKNOWN_BUILD),
  ];

  const cors = createCors({ origins: config.corsOrigins });
  const open = createExchangeOpener(hooks, cors);
  const app = new Hono<AppEnv>();
  app.use(createExchangeMiddleware(open, cors));
  for (const route of routes) app.on(route.method, route.path, toHandler(route, pipeline));
  app.onError((thrown, c) => {
    const error = toSwapgateError(thrown);
    const exchange = c.get('exchange');
    if (error.status >= 500) logger.error({ reqId: exchange.id, err: thrown, code: error.code }, error.message);
    writeError(exchange, error);
    return RESPONSE_ALREADY_SENT;
  });
  // Unknown paths still need a key: they must not tell a stranger which paths exist.
  const unknownRoute: RouteRule = Object.freeze({ auth: 'key', admin: null });
  app.notFound((c) => {
    const exchange = c.get('exchange');
    writeError(exchange, admitRoute(exchange, unknownRoute, hooks)?.error ?? routeNotFound(c.req.method, c.req.path));
    return RESPONSE_ALREADY_SENT;
  });
  return {
    app,
    fetch: (request, env) => app.fetch(request, env),
    serveDirect: createDirectRoutes(proxied, open, pipeline),
    maxRequestBodyBytes: config.maxRequestBodyBytes,
    resolver,
    routes,
    close: () => {
      pipeline.close();
      observed.detach();
      if (deps.observe === undefined) observe.close();
    },
  };
}

/** The hono handler of a route, behind its declared auth. */
function toHandler(route: RouteDecl, pipeline: Pipeline): Handler<AppEnv> {
  const rule = getRouteRule(route);
  const { hooks } = pipeline;
  if ('proxy' in route) {
    const reader = (route as ProxiedRoute).proxy;
    return async function proxied(c) {
      const exchange = c.get('exchange');
      const refusal = admitRoute(exchange, rule, hooks);
      if (refusal !== null) writeError(exchange, refusal.error);
      else await pipeline.run(reader, exchange);
      return RESPONSE_ALREADY_SENT;
    };
  }
  const handle = route.handle;
  return function handled(c, next) {
    const refusal = admitRoute(c.get('exchange'), rule, hooks);
    if (refusal !== null) throw refusal.error;
    return handle(c, next);
  };
}
