// The per-model half of governance, called by the proxy routes once the model is resolved and
// before anything reaches the supervisor: key scopes, request policies (a block never starts
// an upstream), the response cache, and the sink that governs, caches or meters the answer.
import { createModelForbiddenError, isModelAllowed } from '../../policy/api-keys.js';
import { isRecord } from '../../policy/extract-texts.js';
import { applyMaxTokensClamp } from '../../policy/inspect-request.js';
import type { ModelMatcher } from '../../policy/match-model-globs.js';
import { createPolicyViolationError } from '../../policy/policy-errors.js';
import { createCacheKey, isCacheable, type CachedResponse, type ResponseCache } from '../../policy/response-cache.js';
import type { ModelContext, PolicyEngine } from '../../policy/types.js';
import type { Logger } from '../../shared/logger.js';
import type { RequestState } from '../app-env.js';
import type { ClientIO } from '../client-io.js';
import type { Target } from '../model-resolver.js';
import type { AuditRecorder } from './audit-recorder.js';
import { passthroughForbiddenError } from './governance-errors.js';
import { GovernedSink } from './governed-sink.js';
import { getGovernedRequest, type GovernedRequest } from './governed-request.js';
import { logDecisions } from './log-decisions.js';
import { createUsageObserver } from './usage-observer.js';
import { checkResponseInspectable } from './response-formats.js';

type JsonObject = Record<string, unknown>;

export interface JsonAdmission {
  /** Answered from the cache: nothing is forwarded. */
  readonly answered: boolean;
  /** What to forward: the very same object when no policy changed it. */
  readonly body: JsonObject;
  /** Settles once the client has a response head (a held, inspected answer gets it late). */
  readonly headWritten: Promise<void>;
}

export interface ProxyGovernance {
  /** JSON inference routes: scope, request policies, cache; may answer from the cache. */
  admitJson(io: ClientIO, state: RequestState, target: Target, body: JsonObject): Promise<JsonAdmission>;
  /** Multipart and query routes: the key's model scope only (their bodies are not inspected). */
  admitModel(state: RequestState, target: Target): void;
  /** /upstream/<model>/…: bypasses every policy, so a model under policy needs an admin key. */
  admitPassthrough(state: RequestState, target: Target): void;
}

export interface ProxyGovernanceParts {
  readonly engine: PolicyEngine | null;
  /** One per configured policy: does it select a model? */
  readonly policyMatchers: readonly ModelMatcher[];
  readonly cache: ResponseCache | null;
  readonly recorder: AuditRecorder | null;
  readonly logger: Logger;
}

const HEAD_WRITTEN = Promise.resolve();

export function getModelContext(target: Target, route: string): ModelContext {
  if (target.kind === 'local') return { modelId: target.model.id, aliases: target.model.aliases, route };
  return { modelId: target.label, aliases: target.requested === target.label ? [] : [target.requested], route };
}

function checkKeyScope(request: GovernedRequest, model: ModelContext): void {
  const { key } = request;
  if (key !== null && !isModelAllowed(key, model.modelId, model.aliases)) throw createModelForbiddenError(key, model.modelId);
}

function answerFromCache(io: ClientIO, state: RequestState, hit: CachedResponse): void {
  state.responseHeaders['x-swapgate-cache'] = 'hit';
  io.writeHead(hit.status, { ...hit.headers, 'content-length': hit.body.length });
  state.bytes += hit.body.length;
  io.sink.end(hit.body);
}

export function createProxyGovernance(parts: ProxyGovernanceParts): ProxyGovernance {
  const { engine, cache, recorder, policyMatchers, logger } = parts;

  const admit = (state: RequestState, target: Target): { request: GovernedRequest; model: ModelContext } => {
    const request = getGovernedRequest(state);
    const model = getModelContext(target, state.path);
    checkKeyScope(request, model);
    request.inference = true;
    return { request, model };
  };

  const inspectRequest = async (request: GovernedRequest, model: ModelContext, body: JsonObject): Promise<JsonObject> => {
    if (engine === null) return body;
    const verdict = engine.inspectRequest({ ...model, body });
    request.decisions.push(...verdict.decisions);
    logDecisions(logger, request.state, verdict.decisions, verdict.blocked);
    if (verdict.blocked !== null) {
      request.blocked = true;
      // On disk before the client hears about it.
      await recorder?.finish(request, 400);
      throw createPolicyViolationError(verdict.blocked);
    }
    const redacted = isRecord(verdict.body) ? verdict.body : body;
    if (verdict.maxTokensClamp === null) return redacted;
    const clamped = applyMaxTokensClamp(redacted, verdict.maxTokensClamp);
    return isRecord(clamped) ? clamped : redacted;
  };

  return {
    async admitJson(io, state, target, body) {
      const { request, model } = admit(state, target);
      const forwarded = await inspectRequest(request, model, body);
      const inspect =
        engine !== null && engine.needsResponseInspection(model) && checkResponseInspectable(state.path, forwarded.stream === true, model.modelId)
          ? { engine, model }
          : null;

      let store: ((response: CachedResponse) => void) | null = null;
      if (cache !== null && isCacheable(forwarded)) {
        const key = createCacheKey(model.modelId, forwarded, request.key?.name ?? '');
        const hit = cache.get(key);
        if (hit !== null) {
          request.cache = 'hit';
          answerFromCache(io, state, hit);
          return { answered: true, body: forwarded, headWritten: HEAD_WRITTEN };
        }
        request.cache = 'miss';
        state.responseHeaders['x-swapgate-cache'] = 'miss';
        store = (response) => cache.set(key, response);
      }

      const meterUsage = recorder !== null;
      if (inspect === null && store === null) {
        if (meterUsage) io.observer = createUsageObserver(request);
        return { answered: false, body: forwarded, headWritten: HEAD_WRITTEN };
      }
      // The engine reads plain JSON and SSE: the upstream must not compress what it inspects.
      if (inspect !== null) delete state.headers['accept-encoding'];
      const sink = new GovernedSink(io.sink, state, {
        request,
        logger,
        inspect,
        store,
        meterUsage,
        onCut: () => io.onClientGone(),
        onBlocked: () => recorder?.finish(request, 400) ?? HEAD_WRITTEN,
      });
      io.interpose(sink);
      return { answered: false, body: forwarded, headWritten: sink.headWritten };
    },

    admitModel(state, target) {
      admit(state, target);
    },

    admitPassthrough(state, target) {
      const request = getGovernedRequest(state);
      const model = getModelContext(target, state.path);
      checkKeyScope(request, model);
      if (request.key?.admin !== true && policyMatchers.some((matches) => matches(model.modelId, model.aliases))) {
        throw passthroughForbiddenError(model.modelId);
      }
      request.inference = true;
    },
  };
}
