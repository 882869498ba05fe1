// Token speeds from what a client sees of an answer. The upstream's own figure wins (llama-server
// "timings"); else the decode rate is counted between the first and the last token, so the
// prompt's processing (and a model load) does not slow it down.

/** llama-server's per-request figures (the fields the UI reads). */
export interface Timings {
  readonly prompt_n?: number;
  readonly prompt_per_second?: number;
  readonly predicted_n?: number;
  readonly predicted_per_second?: number;
  readonly cache_n?: number;
}

/** Tokens per second after the first one; null when fewer than two tokens or no time passed. */
export function getDecodeRate(tokens: number, firstTokenAtMs: number, lastTokenAtMs: number): number | null {
  const spanMs = lastTokenAtMs - firstTokenAtMs;
  if (!(tokens >= 2) || !(spanMs > 0)) return null;
  return ((tokens - 1) * 1000) / spanMs;
}

export interface AnswerTiming {
  readonly startedAtMs: number;
  /** When the first generated text arrived (null: none did). */
  readonly firstTokenAtMs: number | null;
  readonly lastTokenAtMs: number | null;
  readonly doneAtMs: number;
  /** Content chunks seen: the token count when the upstream reported none. */
  readonly chunks: number;
  readonly usage: { readonly prompt_tokens?: number; readonly completion_tokens?: number } | null;
  readonly timings: Timings | null;
}

export interface AnswerStats {
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  /** The completion count is the number of chunks (no usage or timings came back). */
  readonly estimated: boolean;
  readonly tokensPerSecond: number | null;
  readonly promptPerSecond: number | null;
  /** Send → first token (includes any model load). */
  readonly ttftMs: number | null;
  readonly totalMs: number;
}

const positive = (value: number | undefined): number | null => (typeof value === 'number' && value > 0 ? value : null);

export function summarizeAnswer(answer: AnswerTiming): AnswerStats {
  const { usage, timings } = answer;
  const reported = usage?.completion_tokens ?? timings?.predicted_n;
  const completionTokens = reported ?? (answer.chunks > 0 ? answer.chunks : null);
  const promptTokens = usage?.prompt_tokens ?? (timings?.prompt_n === undefined ? null : timings.prompt_n + (timings.cache_n ?? 0));
  const first = answer.firstTokenAtMs;
  const measured = first === null || completionTokens === null ? null : getDecodeRate(completionTokens, first, answer.lastTokenAtMs ?? first);
  return {
    promptTokens,
    completionTokens,
    estimated: reported === undefined && completionTokens !== null,
    tokensPerSecond: positive(timings?.predicted_per_second) ?? measured,
    promptPerSecond: positive(timings?.prompt_per_second),
    ttftMs: first === null ? null : first - answer.startedAtMs,
    totalMs: answer.doneAtMs - answer.startedAtMs,
  };
}

/** The median of finite values; null for none. */
export function median(values: readonly number[]): number | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
