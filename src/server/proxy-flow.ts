// The shared tail of every proxied request: get a lease on the target (starting the model if
// needed), build upstream headers, forward. Releases the lease exactly once, whatever happens.
import { abortedError } from '../shared/errors.js';
import type { AcquireOptions, Lease, LoadProgress } from '../supervisor/types.js';
import type { RequestState } from './app-env.js';
import type { ClientIO } from './client-io.js';
import type { UpstreamEndpoint } from './endpoint-pool.js';
import { forward, type StreamedBody } from './forward.js';
import type { LoadingStateStream } from './loading-state.js';
import type { Target } from './model-resolver.js';
import type { ProxyContext } from './proxy-context.js';
import { buildUpstreamHeaders } from './proxy-headers.js';

export interface ProxyRequest {
  /** Path and query as sent upstream (appended to the upstream's or peer's base URL). */
  readonly path: string;
  readonly method: string;
  readonly body: Buffer | StreamedBody | null;
  /** Exact length of what will be sent, or null for chunked / no body. */
  readonly contentLength: number | null;
}

const NO_LOG_TAIL = (): readonly string[] => [];

// The supervisor receives the signal through a getter: the AbortController behind it is only
// created if the supervisor looks (e.g. when the request has to wait).
class LazyAcquireOptions implements AcquireOptions {
  constructor(
    private readonly io: ClientIO,
    readonly onProgress: ((progress: LoadProgress) => void) | undefined,
  ) {}

  get signal(): AbortSignal {
    return this.io.signal;
  }
}

export async function proxyRequest(
  ctx: ProxyContext,
  io: ClientIO,
  state: RequestState,
  target: Target,
  request: ProxyRequest,
  loading: LoadingStateStream | null,
): Promise<void> {
  let endpoint: UpstreamEndpoint;
  let lease: Lease | null = null;
  let logTail = NO_LOG_TAIL;
  let apiKey: string | null = null;
  if (target.kind === 'peer') {
    endpoint = ctx.pool.get(target.peer.proxy);
    apiKey = target.peer.apiKey;
  } else {
    const modelId = target.model.id;
    try {
      const onProgress = loading === null ? undefined : (progress: LoadProgress) => loading.progress(progress);
      lease = await ctx.supervisor.acquire(modelId, new LazyAcquireOptions(io, onProgress));
      if (io.isGone) throw abortedError('request');
      endpoint = ctx.pool.get(lease.baseUrl);
    } catch (error) {
      lease?.release();
      if (loading?.isStarted) return loading.fail(error);
      throw error;
    }
    loading?.ready(null);
    logTail = () => ctx.supervisor.logTail(modelId, ctx.logTailLines);
  }
  const headers = buildUpstreamHeaders(state.headers, { requestId: state.id, contentLength: request.contentLength, apiKey });
  await forward(io, state, {
    endpoint,
    path: request.path,
    method: request.method,
    headers,
    body: request.body,
    label: target.label,
    timeoutMs: ctx.upstreamTimeoutMs,
    logTail,
    release: lease,
    continuation: loading?.isStarted ? loading : null,
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
