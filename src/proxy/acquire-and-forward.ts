// The shared tail of every proxied request: get a lease on the target (starting the model if
// needed), build upstream headers, forward. Releases the lease exactly once, whatever happens.
import { abortedError } from '../shared/errors.js';
import type { AcquireOptions, Lease, LoadProgress } from '../supervisor/types.js';
import type { Exchange } from './exchange.js';
import type { StreamedBody } from './forward-spec.js';
import { forward, isNeverDelivered } from './forward.js';
import type { ResponseWrapper } from './hooks.js';
import type { LoadingStateStream } from './loading-state.js';
import type { Target } from './model-resolver.js';
import type { PipelineContext } from './pipeline-context.js';
import { errorCodeOf } from './proxy-errors.js';
import { buildUpstreamHeaders } from './proxy-headers.js';
import type { UpstreamEndpoint } from './upstream-pool.js';
import { waitForUpstreamGone } from './wait-for-upstream-gone.js';

export interface ProxyRequest {
  /** Path and query as sent upstream (appended to the upstream's or peer's base URL). */
  readonly path: string;
  readonly method: string;
  readonly body: Buffer | StreamedBody | null;
  /** Exact length of what will be sent, or null for chunked / no body. */
  readonly contentLength: number | null;
  readonly wrappers: readonly ResponseWrapper[] | null;
  /** Ask the upstream not to compress its answer (a hook reads it). */
  readonly unencoded: boolean;
}

const NO_LOG_TAIL = (): readonly string[] => [];

// The supervisor receives the signal through a getter: the AbortController behind it is only
// created if the supervisor looks (e.g. when the request has to wait).
class LazyAcquireOptions implements AcquireOptions {
  constructor(
    private readonly exchange: Exchange,
    readonly onProgress: ((progress: LoadProgress) => void) | undefined,
  ) {}

  get signal(): AbortSignal {
    return this.exchange.signal;
  }
}

export async function proxyRequest(
  ctx: PipelineContext,
  exchange: Exchange,
  target: Target,
  request: ProxyRequest,
  loading: LoadingStateStream | null,
): Promise<void> {
  if (target.kind === 'peer') {
    const endpoint = ctx.pool.get(target.peer.proxy);
    const upstream = { endpoint, apiKey: target.peer.apiKey, lease: null, modelId: null, continuation: null };
    return forwardTo(ctx, exchange, target, request, upstream);
  }
  const modelId = target.model.id;
  for (let attempt = 0; ; attempt++) {
    let lease: Lease | null = null;
    let endpoint: UpstreamEndpoint;
    const waitFrom = ctx.hooks.now();
    try {
      const onProgress = loading === null ? undefined : (progress: LoadProgress) => loading.progress(progress);
      lease = await ctx.supervisor.acquire(modelId, new LazyAcquireOptions(exchange, onProgress));
      addLoadWait(exchange, ctx.hooks.now() - waitFrom);
      if (exchange.isGone) throw abortedError('request');
      endpoint = ctx.pool.get(lease.baseUrl);
    } catch (error) {
      if (lease === null) addLoadWait(exchange, ctx.hooks.now() - waitFrom);
      lease?.release();
      if (loading?.isStarted) return loading.fail(error);
      throw error;
    }
    loading?.ready(null);
    try {
      const continuation = loading?.isStarted ? loading : null;
      return await forwardTo(ctx, exchange, target, request, { endpoint, apiKey: null, lease, modelId, continuation });
    } catch (error) {
      if (attempt > 0 || !isNeverDelivered(error) || loading?.isStarted) throw error;
      // A "ready" upstream that refuses or resets connections before reading a request has
      // usually just died: once the supervisor has noticed, a new acquire starts it again and
      // the (unread) request goes there.
      const code = errorCodeOf(error instanceof Error ? error.cause : undefined);
      ctx.logger.info({ reqId: exchange.id, model: modelId, code }, 'upstream did not read the request; waiting for the supervisor to notice it is gone');
      const gone = await waitForUpstreamGone(ctx.supervisor, modelId, lease.baseUrl, exchange, ctx.refusedRetryWaitMs);
      if (!gone || exchange.isGone) throw error;
    }
  }
}

/** Time spent in acquire (a load, a swap, a queue), summed over attempts, for the finished record. */
function addLoadWait(exchange: Exchange, ms: number): void {
  exchange.loadWaitMs = (exchange.loadWaitMs ?? 0) + Math.round(ms * 1000) / 1000;
}

/** Where one attempt goes: the endpoint, and what to release and report afterwards. */
interface UpstreamTarget {
  readonly endpoint: UpstreamEndpoint;
  readonly apiKey: string | null;
  readonly lease: Lease | null;
  /** For the log tail quoted in a 502; null for peers. */
  readonly modelId: string | null;
  readonly continuation: LoadingStateStream | null;
}

function forwardTo(
  ctx: PipelineContext,
  exchange: Exchange,
  target: Target,
  request: ProxyRequest,
  upstream: UpstreamTarget,
): Promise<void> {
  const { modelId } = upstream;
  const headers = buildUpstreamHeaders(exchange.headers, {
    requestId: exchange.id,
    contentLength: request.contentLength,
    apiKey: upstream.apiKey,
    unencoded: request.unencoded,
  });
  return forward(exchange, {
    endpoint: upstream.endpoint,
    path: request.path,
    method: request.method,
    headers,
    body: request.body,
    label: target.label,
    timeoutMs: ctx.upstreamTimeoutMs,
    stallTimeoutMs: ctx.clientStallTimeoutMs,
    logTail: modelId === null ? NO_LOG_TAIL : () => ctx.supervisor.logTail(modelId, ctx.logTailLines),
    release: upstream.lease,
    continuation: upstream.continuation,
    wrappers: request.wrappers,
    log: ctx.logger,
  });
}

/** Runs a proxy flow that may answer early with a loading-state head; never rejects after it. */
export async function proxyWithLoadingState(flow: Promise<void>, loading: LoadingStateStream): Promise<void> {
  const guarded = flow.catch((error: unknown) => {
    if (!loading.isStarted) throw error;
    loading.fail(error);
  });
  await Promise.race([guarded, loading.whenStarted()]);
}
