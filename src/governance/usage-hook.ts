// Token counts, cache hits, speeds and the time to first token for the audit record and the
// activity store, read off the upstream's answer as it passes: the answer is neither held nor
// copied.
import { PASS, type Decision, type Note, type PipelineHook, type ResponseTransform, type ResponseWrapper, type TokensNote, type TransformEnd, NO_NOTES, NO_CHUNKS } from '../proxy/hooks.js';
import { selectUsageReader } from './select-usage-reader.js';
import type { UsageReader } from './usage-tokens.js';

class UsageTransform implements ResponseTransform {
  readonly holdsHead = false;
  readonly changesLength = false;
  readonly finished = false;

  constructor(private readonly reader: UsageReader) {}

  push(chunk: Buffer): Buffer {
    this.reader.push(chunk);
    return chunk;
  }

  end(): TransformEnd {
    const figures = this.reader.read();
    if (figures === null) return { chunks: NO_CHUNKS, error: null, notes: NO_NOTES, flush: false };
    const { firstTokenAt } = this.reader;
    const note: TokensNote = firstTokenAt === undefined ? { kind: 'tokens', ...figures } : { kind: 'tokens', ...figures, firstTokenAt };
    const notes: readonly Note[] = [note];
    return { chunks: NO_CHUNKS, error: null, notes, flush: false };
  }

  abort(): readonly Note[] {
    return NO_NOTES; // an answer cut short reports no usage
  }
}

/** `now`: the pipeline's clock (the time to first token is read on it). */
export function createUsageHook(now: () => number): PipelineHook {
  const wrap: ResponseWrapper = (head) => {
    const reader = selectUsageReader(head.status, head.headers, now);
    return reader === null ? null : new UsageTransform(reader);
  };
  const meter: Decision = Object.freeze({ kind: 'pass', wrap });
  return {
    name: 'usage',
    admitModel: (call) => (call.kind === 'json' ? meter : PASS),
  };
}
