// Token counts for the audit record, read from what the upstream already reports: "usage" in
// a JSON answer (streams: sse-usage-reader.ts).
import { isRecord } from '../policy/extract-texts.js';

/** Token counts as the upstream reported them (either may be missing). */
export interface AuditTokens {
  readonly prompt: number | null;
  readonly completion: number | null;
}

export interface UsageReader {
  push(chunk: Buffer): void;
  read(): AuditTokens | null;
}

/** JSON bodies larger than this are not parsed for usage (the record says null). */
const JSON_LIMIT_BYTES = 1024 * 1024;

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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const USAGE_KEY = Buffer.from('"usage"');

/** Index just past the JSON string that starts at `start` (a quote), or -1. */
function skipString(raw: Buffer, start: number): number {
  for (let i = start + 1; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === BACKSLASH) i++;
    else if (byte === QUOTE) return i + 1;
  }
  return -1;
}

/** The object value starting at `start` ("{"), as its source bytes, or null. */
function sliceObject(raw: Buffer, start: number): Buffer | null {
  let depth = 0;
  for (let i = start; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === QUOTE) {
      i = skipString(raw, i) - 1;
      if (i < 0) return null;
    } else if (byte === 0x7b) depth++;
    else if (byte === 0x7d && --depth === 0) return raw.subarray(start, i + 1);
  }
  return null;
}

function isEscapedQuote(raw: Buffer, quote: number): boolean {
  let backslashes = 0;
  for (let i = quote - 1; i >= 0 && raw[i] === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * The last "usage" key in `raw` whose value is a JSON object, read without parsing the rest:
 * OpenAI and llama-server put it at the top level after the choices, Anthropic and the
 * Responses API at the end of their events. `raw` need not be valid JSON as a whole (a tail of
 * an SSE stream will do). Null when there is none.
 */
export function findUsage(raw: Buffer): AuditTokens | null {
  let at = raw.lastIndexOf(USAGE_KEY);
  while (at >= 0) {
    if (!isEscapedQuote(raw, at)) {
      let i = at + USAGE_KEY.length;
      while (i < raw.length && (raw[i] === 0x20 || raw[i] === 0x0a || raw[i] === 0x0d || raw[i] === 0x09 || raw[i] === 0x3a)) i++;
      const value = raw[i] === 0x7b ? sliceObject(raw, i) : null;
      const usage = value === null ? undefined : parseJson(value);
      if (usage !== undefined) return getUsageTokens({ usage });
    }
    at = at === 0 ? -1 : raw.lastIndexOf(USAGE_KEY, at - 1);
  }
  return null;
}

/** Usage of a JSON answer: findUsage, else (no usage object found that way) a full parse. */
export function readJsonUsage(raw: Buffer): AuditTokens | null {
  return findUsage(raw) ?? getUsageTokens(parseJson(raw));
}

export function createJsonUsageReader(): UsageReader {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk) {
      size += chunk.length;
      if (size <= JSON_LIMIT_BYTES) chunks.push(chunk);
    },
    read: () => (size > JSON_LIMIT_BYTES ? null : readJsonUsage(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size))),
  };
}
