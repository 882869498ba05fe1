// Token counts of a streamed answer, from the events the upstream sends anyway: the last usage
// object of the stream (OpenAI's include_usage chunk, Anthropic's message_delta, the Responses
// API's response.completed) and, for Anthropic, the prompt count in message_start at the start.
// Only the first and the last few KB are kept, as references to the chunks already received.
import { findEventEnd } from '../shared/sse-splitter.js';
import { findUsage, type AuditTokens, type UsageReader } from './usage-tokens.js';

/** Anthropic's message_start (with the prompt's token count) is the stream's first event. */
const HEAD_BYTES = 4 * 1024;
/** Usage comes in the last event; response.completed repeats the answer before its usage. */
const TAIL_BYTES = 32 * 1024;

// Scans the head only up to the first blank line (no string copy of the whole head).
function getFirstEvent(raw: Buffer): Buffer {
  const end = findEventEnd(raw);
  return end < 0 ? raw : raw.subarray(0, end);
}

export function createSseUsageReader(): UsageReader {
  const head: Buffer[] = [];
  let headBytes = 0;
  let tail: Buffer[] = [];
  let first = 0; // tail[first..] are kept
  let tailBytes = 0;
  return {
    push(chunk) {
      if (headBytes < HEAD_BYTES) {
        head.push(chunk);
        headBytes += chunk.length;
      }
      tail.push(chunk);
      tailBytes += chunk.length;
      while (tail.length - first > 1 && tailBytes - (tail[first] as Buffer).length >= TAIL_BYTES) {
        tailBytes -= (tail[first] as Buffer).length;
        first += 1;
      }
      if (first > 64) {
        tail = tail.slice(first);
        first = 0;
      }
    },
    read(): AuditTokens | null {
      const last = findUsage(Buffer.concat(tail.slice(first), tailBytes));
      if (last !== null && last.prompt !== null) return last;
      const start = findUsage(getFirstEvent(Buffer.concat(head, headBytes)));
      const prompt = start?.prompt ?? null;
      if (last === null) return prompt === null ? null : { prompt, completion: null };
      return { prompt, completion: last.completion };
    },
  };
}
