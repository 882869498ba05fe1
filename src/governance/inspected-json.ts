// A JSON answer under response rules: held whole (its head too), inspected once complete, then
// sent redacted, or refused (a block, after its audit record is on disk). An answer that cannot
// be read (encoded, not JSON, too large) is refused rather than passed on uninspected.
import type { ModelContext, PolicyEngine } from '../policy/types.js';
import { createPolicyViolationError } from '../policy/policy-errors.js';
import type { SwapgateError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { type Note, type ResponseTransform, type TransformEnd, NO_NOTES, NO_CHUNKS } from '../proxy/hooks.js';
import { unreadableAnswerError } from './governance-errors.js';
import { logDecisions, type DecisionLogContext } from './log-decisions.js';
import { parseJson } from './find-json-object.js';

/** A larger answer is refused: it cannot be held to be inspected. */
export const MAX_INSPECTED_BYTES = 32 * 1024 * 1024;


export class InspectedJson implements ResponseTransform {
  readonly holdsHead = true;
  readonly changesLength = true;
  finished = false;
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(
    private readonly engine: PolicyEngine,
    private readonly model: ModelContext,
    private readonly logger: Logger,
    private readonly at: DecisionLogContext,
    /** Refused whatever arrives (e.g. an encoded answer). */
    private refusal: SwapgateError | null = null,
  ) {}

  push(chunk: Buffer): readonly Buffer[] {
    if (this.refusal !== null) return NO_CHUNKS;
    this.heldBytes += chunk.length;
    if (this.heldBytes <= MAX_INSPECTED_BYTES) this.held.push(chunk);
    else {
      this.held = [];
      this.refusal = unreadableAnswerError(`the response is larger than ${MAX_INSPECTED_BYTES} bytes`);
      this.finished = true;
    }
    return NO_CHUNKS;
  }

  end(): TransformEnd {
    if (this.refusal !== null) return refuse(this.refusal, NO_NOTES, false);
    const raw = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    const parsed = parseJson(raw);
    if (parsed === undefined) return refuse(unreadableAnswerError('it is not valid JSON'), NO_NOTES, false);
    const verdict = this.engine.inspectResponseJson(this.model, parsed);
    logDecisions(this.logger, this.at, verdict.decisions, verdict.blocked);
    const notes: readonly Note[] = verdict.decisions.length === 0 ? NO_NOTES : [{ kind: 'policy', decisions: verdict.decisions }];
    if (verdict.blocked !== null) return refuse(createPolicyViolationError(verdict.blocked), notes, true);
    const body = verdict.body === parsed ? raw : Buffer.from(JSON.stringify(verdict.body));
    return { chunks: [body], error: null, notes, flush: false };
  }

  abort(): readonly Note[] {
    this.held = [];
    return NO_NOTES;
  }
}

function refuse(error: SwapgateError, notes: readonly Note[], flush: boolean): TransformEnd {
  return { chunks: NO_CHUNKS, error, notes, flush };
}
