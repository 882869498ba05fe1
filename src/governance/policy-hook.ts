// Request and response policies. Request rules run on the JSON body before anything starts (a
// block never starts an upstream; its audit record is on disk before the 400). Response rules
// ask to see the answer: SSE through the stream governor, JSON held and inspected whole. Routes
// whose answers cannot be inspected are refused up front, and /upstream/ (which bypasses every
// rule) needs an admin key for a model under policy.
import { createStreamGovernorFor } from '../governor/create-stream-governor.js';
import { isRecord } from '../policy/extract-texts.js';
import { applyMaxTokensClamp } from '../policy/inspect-request.js';
import type { ModelMatcher } from '../policy/match-model-globs.js';
import { createPolicyViolationError } from '../policy/policy-errors.js';
import type { ModelContext, PolicyEngine } from '../policy/types.js';
import { isSwapgateError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { PASS, type Decision, type JsonObject, type ModelCall, type Note, type PipelineHook, type ResponseWrapper } from '../proxy/hooks.js';
import { passthroughForbiddenError, unreadableAnswerError } from './governance-errors.js';
import { GovernedStream } from './governed-stream.js';
import { InspectedJson } from './inspected-json.js';
import { logDecisions, type DecisionLogContext } from './log-decisions.js';
import { getModelContext } from './model-context.js';
import { checkResponseInspectable } from './response-formats.js';

export interface PolicyHookParts {
  readonly engine: PolicyEngine;
  /** One per configured policy: does it select a model? */
  readonly matchers: readonly ModelMatcher[];
  readonly logger: Logger;
}

export function createPolicyHook(parts: PolicyHookParts): PipelineHook {
  const { engine, matchers, logger } = parts;

  const admitPassthrough = (call: ModelCall): Decision => {
    if (call.caller?.admin === true) return PASS;
    const model = getModelContext(call.target, call.facts.path);
    const governed = matchers.some((matches) => matches(model.modelId, model.aliases));
    return governed ? { kind: 'refuse', error: passthroughForbiddenError(model.modelId) } : PASS;
  };

  const admitJson = (call: ModelCall, body: JsonObject): Decision => {
    const model = getModelContext(call.target, call.facts.path);
    const at: DecisionLogContext = { reqId: call.facts.id, model: call.target.label };
    const verdict = engine.inspectRequest({ ...model, body });
    logDecisions(logger, at, verdict.decisions, verdict.blocked);
    const notes: readonly Note[] | undefined = verdict.decisions.length === 0 ? undefined : [{ kind: 'policy', decisions: verdict.decisions }];
    if (verdict.blocked !== null) return { kind: 'refuse', error: createPolicyViolationError(verdict.blocked), flush: true, ...withNotes(notes) };
    let forwarded = isRecord(verdict.body) ? verdict.body : body;
    if (verdict.maxTokensClamp !== null) {
      const clamped = applyMaxTokensClamp(forwarded, verdict.maxTokensClamp);
      if (isRecord(clamped)) forwarded = clamped;
    }
    let inspect: boolean;
    try {
      inspect = engine.needsResponseInspection(model) && checkResponseInspectable(call.facts.path, forwarded.stream === true, model.modelId);
    } catch (error) {
      if (!isSwapgateError(error)) throw error;
      return { kind: 'refuse', error, ...withNotes(notes) };
    }
    return {
      kind: 'pass',
      ...(forwarded === body ? {} : { body: forwarded }),
      ...withNotes(notes),
      // The engine reads plain JSON and SSE: the upstream must not compress what it inspects.
      ...(inspect ? { wrap: createResponseWrapper(engine, model, logger, at), unencoded: true } : {}),
    };
  };

  return {
    name: 'policy',
    admitModel(call) {
      if (call.kind === 'passthrough') return admitPassthrough(call);
      if (call.kind !== 'json' || call.body === null) return PASS;
      return admitJson(call, call.body);
    },
  };
}

function withNotes(notes: readonly Note[] | undefined): { notes?: readonly Note[] } {
  return notes === undefined ? {} : { notes };
}

function createResponseWrapper(engine: PolicyEngine, model: ModelContext, logger: Logger, at: DecisionLogContext): ResponseWrapper {
  return (head) => {
    if (head.status < 200 || head.status >= 300) return null;
    const encoding = head.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') {
      return new InspectedJson(engine, model, logger, at, unreadableAnswerError(`it is encoded (${String(encoding)})`));
    }
    const type = String(head.headers['content-type'] ?? '');
    if (type.startsWith('text/event-stream')) {
      const governor = createStreamGovernorFor(engine, model);
      return governor === null ? null : new GovernedStream(governor, logger, at);
    }
    return type.includes('json') ? new InspectedJson(engine, model, logger, at) : null;
  };
}
