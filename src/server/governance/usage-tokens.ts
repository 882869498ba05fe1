// Token counts for the audit record, read from what the upstream already reports: "usage" in
// a JSON answer, or in the last events of a stream (OpenAI include_usage, Anthropic deltas).
import { isRecord } from '../../policy/extract-texts.js';
import type { AuditTokens } from './governed-request.js';

export interface UsageReader {
  push(chunk: Buffer): void;
  read(): AuditTokens | null;
}

/** JSON bodies larger than this are not parsed for usage (the record says null). */
const JSON_LIMIT_BYTES = 1024 * 1024;
/** Usage arrives in the last events of a stream; only this much of the tail is kept. */
const SSE_TAIL_BYTES = 8 * 1024;
const MAX_TAIL_EVENTS = 8;

const countOf = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function getUsageTokens(body: unknown): AuditTokens | null {
  if (!isRecord(body) || !isRecord(body.usage)) return null;
  const usage = body.usage;
  const prompt = countOf(usage.prompt_tokens) ?? countOf(usage.input_tokens);
  const completion = countOf(usage.completion_tokens) ?? countOf(usage.output_tokens);
  return prompt === null && completion === null ? null : { prompt, completion };
}

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined; // not JSON: callers treat undefined as "nothing readable"
  }
}

export function createJsonUsageReader(): UsageReader {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      size += chunk.length;
      if (size <= JSON_LIMIT_BYTES) chunks.push(chunk);
    },
    read: () => (size > JSON_LIMIT_BYTES ? null : getUsageTokens(parseJson(Buffer.concat(chunks)))),
  };
}

export function createSseUsageReader(): UsageReader {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      chunks.push(chunk);
      size += chunk.length;
      while (chunks.length > 1 && size - (chunks[0]?.length ?? 0) >= SSE_TAIL_BYTES) size -= chunks.shift()?.length ?? 0;
    },
    read() {
      const events = Buffer.concat(chunks).toString('utf8').split(/\r?\n\r?\n/);
      for (const event of events.slice(-MAX_TAIL_EVENTS).reverse()) {
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n');
        if (!data.includes('"usage"')) continue;
        const tokens = getUsageTokens(parseJson(Buffer.from(data)));
        if (tokens !== null) return tokens;
      }
      return null;
    },
  };
}
