// Token counts of a streamed answer, from the events the upstream sends anyway: the last usage
// object of the stream (OpenAI's include_usage chunk, Anthropic's message_delta, the Responses
// API's response.completed) and, for Anthropic, the prompt count in message_start at the start.
// Only the first and the last few KB are kept, as references to the chunks already received.
// llama-server's final event also carries its timings (token counts, cache hits, speeds). The
// first chunk with generated text is timed (time to first token); chunks are scanned only until then.
import { findEventEnd } from '../shared/sse-splitter.js';
import { hasGeneratedText } from './has-generated-text.js';
import { findUsage, type UsageFigures, type UsageReader } from './usage-tokens.js';

/** Anthropic's message_start (with the prompt's token count) is the stream's first event. */
const HEAD_BYTES = 4 * 1024;
/** Usage comes in the last event; response.completed repeats the answer before its usage. */
const TAIL_BYTES = 32 * 1024;

// Scans the head only up to the first blank line (no string copy of the whole head).
function getFirstEvent(raw: Buffer): Buffer {
  const end = findEventEnd(raw);
  return end < 0 ? raw : raw.subarray(0, end);
}

/** `now`: the pipeline's clock, read when the first generated text passes. */
export function createSseUsageReader(now: () => number): UsageReader {
  const head: Buffer[] = [];
  let headBytes = 0;
  let tail: Buffer[] = [];
  let first = 0; // tail[first..] are kept
  let tailBytes = 0;
  let firstTokenAt: number | undefined;
  return {
    get firstTokenAt() {
      return firstTokenAt;
    },
    push(chunk) {
      if (firstTokenAt === undefined && hasGeneratedText(chunk)) firstTokenAt = now();
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
    read(): UsageFigures | null {
      const last = findUsage(Buffer.concat(tail.slice(first), tailBytes));
      if (last !== null && last.prompt !== null) return last;
      // Anthropic: the prompt's count (and cache reads) come in message_start only.
      const start = findUsage(getFirstEvent(Buffer.concat(head, headBytes)));
      if (start === null) return last;
      const cached = last?.cached ?? start.cached;
      const merged = { ...last, prompt: start.prompt, completion: last?.completion ?? null };
      return cached === undefined ? merged : { ...merged, cached };
    },
  };
}
