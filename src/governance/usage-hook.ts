// Token counts for the audit record (and later metrics), read off the upstream's answer as it
// passes: the answer is neither held nor copied.
import { PASS, type Decision, type Note, type PipelineHook, type ResponseTransform, type ResponseWrapper, type TransformEnd, NO_NOTES, NO_CHUNKS } from '../proxy/hooks.js';
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
    const tokens = this.reader.read();
    const notes: readonly Note[] = tokens === null ? NO_NOTES : [{ kind: 'tokens', prompt: tokens.prompt, completion: tokens.completion }];
    return { chunks: NO_CHUNKS, error: null, notes, flush: false };
  }

  abort(): readonly Note[] {
    return NO_NOTES; // an answer cut short reports no usage
  }
}

const wrap: ResponseWrapper = (head) => {
  const reader = selectUsageReader(head.status, head.headers);
  return reader === null ? null : new UsageTransform(reader);
};

const METER: Decision = Object.freeze({ kind: 'pass', wrap });

export function createUsageHook(): PipelineHook {
  return {
    name: 'usage',
    admitModel: (call) => (call.kind === 'json' ? METER : PASS),
  };
}
