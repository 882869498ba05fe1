// An SSE answer under response rules: every event goes through the stream governor, which
// releases what is safe at once (redacted), holds what may still complete a match, and ends
// the stream itself on a block or truncation.
import type { PolicyBlock, StreamGovernor } from '../policy/types.js';
import type { Logger } from '../shared/logger.js';
import { type Note, type ResponseTransform, type TransformEnd, NO_NOTES } from '../proxy/hooks.js';
import { logDecisions, type DecisionLogContext } from './log-decisions.js';


export class GovernedStream implements ResponseTransform {
  readonly holdsHead = false;
  readonly changesLength = true;
  private collected = false;

  constructor(
    private readonly governor: StreamGovernor,
    private readonly logger: Logger,
    private readonly at: DecisionLogContext,
  ) {}

  get finished(): boolean {
    const { state } = this.governor;
    return state === 'blocked' || state === 'truncated';
  }

  push(chunk: Buffer): readonly Buffer[] {
    return this.governor.push(chunk);
  }

  end(): TransformEnd {
    const chunks = this.finished ? [] : this.governor.end();
    return { chunks, error: null, notes: this.collect(), flush: false };
  }

  abort(): readonly Note[] {
    return this.collect();
  }

  // Decisions are final once the stream is over, however it ended; reported once.
  private collect(): readonly Note[] {
    if (this.collected) return NO_NOTES;
    this.collected = true;
    const decisions = this.governor.decisions();
    const blocked: PolicyBlock | null = this.governor.state === 'blocked' ? this.governor.blocked : null;
    logDecisions(this.logger, this.at, decisions, blocked);
    return decisions.length === 0 ? NO_NOTES : [{ kind: 'policy', decisions }];
  }
}
