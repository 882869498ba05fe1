// The request path of every proxied route: read the body (its kind per route), resolve the
// model, admit it through the hooks, acquire a ready upstream, forward, and stream the answer
// back through whatever transforms the hooks asked for. Every failure goes through the one
// error mapper; nothing here throws to the HTTP framework.
import type { Config } from '../config/types.js';
import type { StateChange } from '../process/types.js';
import type { Logger } from '../shared/logger.js';
import type { Supervisor } from '../supervisor/types.js';
import { toSwapgateError, writeError } from './error-mapper.js';
import { Exchange } from './exchange.js';
import { HookChain } from './hook-chain.js';
import type { PipelineHook } from './hooks.js';
import { proxyJson } from './json-request.js';
import { ModelResolver } from './model-resolver.js';
import { proxyMultipart } from './multipart-request.js';
import { proxyPassthrough } from './passthrough-request.js';
import type { PipelineContext } from './pipeline-context.js';
import { proxyQuery } from './query-request.js';
import { UpstreamPool } from './upstream-pool.js';

export interface PipelineOptions {
  readonly config: Config;
  readonly supervisor: Supervisor;
  readonly logger: Logger;
  /** In order: caller admission, model admission and onFinished run in this order. */
  readonly hooks: readonly PipelineHook[];
  /** Monotonic milliseconds for request durations. */
  readonly now: () => number;
  /** Idle timeout on upstream requests before a 504; 0 = none. */
  readonly upstreamTimeoutMs: number;
  /** Interval of progress dots in loading-state streams. */
  readonly loadingDotIntervalMs: number;
  /**
   * A "ready" upstream refused the connection (it has probably just died): how long to wait for
   * the supervisor to notice before sending the request to a fresh start.
   */
  readonly refusedRetryWaitMs: number;
}

export type BodyReader = 'json' | 'multipart' | 'query' | 'passthrough';

type Flow = (ctx: PipelineContext, exchange: Exchange) => Promise<void>;

const FLOWS: Readonly<Record<BodyReader, Flow>> = {
  json: proxyJson,
  multipart: proxyMultipart,
  query: proxyQuery,
  passthrough: proxyPassthrough,
};

export class Pipeline {
  readonly resolver: ModelResolver;
  readonly hooks: HookChain;
  private readonly ctx: PipelineContext;
  private readonly onState: (change: StateChange) => void;

  constructor(private readonly options: PipelineOptions) {
    const { config, supervisor, logger, upstreamTimeoutMs, loadingDotIntervalMs } = options;
    if (!Number.isFinite(upstreamTimeoutMs) || upstreamTimeoutMs < 0) {
      throw new TypeError(`upstreamTimeoutMs: expected a non-negative number, got ${upstreamTimeoutMs}`);
    }
    if (!(loadingDotIntervalMs > 0)) throw new TypeError(`loadingDotIntervalMs: expected a positive number, got ${loadingDotIntervalMs}`);
    this.resolver = new ModelResolver(config);
    this.hooks = new HookChain(options.hooks, logger, options.now);
    const pool = new UpstreamPool();
    this.ctx = {
      config,
      supervisor,
      resolver: this.resolver,
      pool,
      hooks: this.hooks,
      logger,
      upstreamTimeoutMs,
      loadingDotIntervalMs,
      logTailLines: 20,
      refusedRetryWaitMs: options.refusedRetryWaitMs,
      requestBodyTimeoutMs: config.requestBodyTimeoutMs,
      clientStallTimeoutMs: config.clientStallTimeoutMs,
    };
    // A stop comes only after the model drained; its idle sockets would delay the upstream's exit.
    this.onState = (change) => {
      if (change.to !== 'stopping') return;
      const { baseUrl } = supervisor.status(change.modelId);
      if (baseUrl !== null) pool.drop(baseUrl);
    };
    supervisor.on('state', this.onState);
  }

  /** Proxies one request; never rejects (failures are answered through the error mapper). */
  async run(reader: BodyReader, exchange: Exchange): Promise<void> {
    try {
      await FLOWS[reader](this.ctx, exchange);
    } catch (thrown) {
      this.fail(exchange, thrown);
    }
  }

  /** Answers a request with an error (logged when it is swapgate's own fault or the upstream's). */
  fail(exchange: Exchange, thrown: unknown): void {
    const error = toSwapgateError(thrown);
    if (error.status >= 500) this.options.logger.error({ reqId: exchange.id, err: thrown, code: error.code }, error.message);
    writeError(exchange, error);
  }

  close(): void {
    this.options.supervisor.off('state', this.onState);
    this.ctx.pool.destroy();
  }
}
