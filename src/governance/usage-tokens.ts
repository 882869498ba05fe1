// Token counts and speeds for the audit record and the activity store, read from what the
// upstream already reports: "usage" (OpenAI chat/completions, Anthropic Messages, the Responses
// API) and llama-server's "timings", whose figures win (streams: sse-usage-reader.ts).
import { isRecord } from '../policy/extract-texts.js';
import { findLastObject, parseJson } from './find-json-object.js';

/** What the upstream said about an answer; an optional figure is absent when it said nothing. */
export interface UsageFigures {
  readonly prompt: number | null;
  readonly completion: number | null;
  readonly cached?: number;
  readonly promptPerSecond?: number;
  readonly generationPerSecond?: number;
}

export interface UsageReader {
  push(chunk: Buffer): void;
  read(): UsageFigures | null;
  /** The reader's clock when the first generated text passed (streams); undefined when not seen. */
  readonly firstTokenAt?: number | undefined;
}

/** JSON bodies larger than this are not parsed for usage (the record says null). */
const JSON_LIMIT_BYTES = 1024 * 1024;
const USAGE_KEY = Buffer.from('"usage"');
const TIMINGS_KEY = Buffer.from('"timings"');

const countOf = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function getCached(usage: Record<string, unknown>): number | null {
  const details = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : isRecord(usage.input_tokens_details) ? usage.input_tokens_details : null;
  return countOf(usage.cache_read_input_tokens) ?? countOf(details?.cached_tokens);
}

/** The figures of a usage object (and of llama-server timings, which override it); null when neither says anything. */
export function getUsageFigures(usage: Record<string, unknown> | null, timings: Record<string, unknown> | null = null): UsageFigures | null {
  let prompt = usage === null ? null : (countOf(usage.prompt_tokens) ?? countOf(usage.input_tokens));
  let completion = usage === null ? null : (countOf(usage.completion_tokens) ?? countOf(usage.output_tokens));
  let cached = usage === null ? null : getCached(usage);
  let promptPerSecond: number | null = null;
  let generationPerSecond: number | null = null;
  if (timings !== null) {
    prompt = countOf(timings.prompt_n) ?? prompt;
    completion = countOf(timings.predicted_n) ?? completion;
    cached = countOf(timings.cache_n) ?? cached;
    promptPerSecond = countOf(timings.prompt_per_second);
    generationPerSecond = countOf(timings.predicted_per_second);
  }
  if (prompt === null && completion === null && cached === null && promptPerSecond === null && generationPerSecond === null) return null;
  const figures: { -readonly [K in keyof UsageFigures]: UsageFigures[K] } = { prompt, completion };
  if (cached !== null) figures.cached = cached;
  if (promptPerSecond !== null) figures.promptPerSecond = promptPerSecond;
  if (generationPerSecond !== null) figures.generationPerSecond = generationPerSecond;
  return figures;
}

/** Usage of a parsed answer body. */
export function getUsageTokens(body: unknown): UsageFigures | null {
  if (!isRecord(body)) return null;
  return getUsageFigures(isRecord(body.usage) ? body.usage : null, isRecord(body.timings) ? body.timings : null);
}

/**
 * The last "usage" and "timings" objects in `raw`, read without parsing the rest: OpenAI and
 * llama-server put them at the top level after the choices, Anthropic and the Responses API at
 * the end of their events (or, for Anthropic's prompt count, in message_start). Null when none.
 */
export function findUsage(raw: Buffer): UsageFigures | null {
  return getUsageFigures(findLastObject(raw, USAGE_KEY), findLastObject(raw, TIMINGS_KEY));
}

/**
 * Usage of a JSON answer: findUsage, else, only when the body names a "usage" or "timings" key
 * that the scan could not read, a full parse. An answer without either costs no parse.
 */
export function readJsonUsage(raw: Buffer): UsageFigures | null {
  const found = findUsage(raw);
  if (found !== null || (raw.indexOf(USAGE_KEY) < 0 && raw.indexOf(TIMINGS_KEY) < 0)) return found;
  return getUsageTokens(parseJson(raw));
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
