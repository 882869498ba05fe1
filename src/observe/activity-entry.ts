// One finished model request as /api/metrics/activity and the "activity" events send it:
// llama-swap's ActivityLogEntry field names (so its UI and scripts read it) plus what swapgate
// knows besides (outcome, waits, first byte/token, key name, request id). A figure the upstream
// did not report is absent, never guessed (llama-swap says -1). The store keeps rows as columns
// (activity-columns.ts); these objects are made only when someone reads them.
import type { FinishedRecord, Note, TokensNote } from '../proxy/hooks.js';

export interface ActivityTokens {
  input_tokens?: number;
  output_tokens?: number;
  cache_tokens?: number;
  prompt_per_second?: number;
  tokens_per_second?: number;
}

export interface ActivityEntry {
  /** Assigned by the store: 1, 2, 3… for the daemon's lifetime. */
  id: number;
  /** When the request finished, RFC 3339. */
  readonly timestamp: string;
  /** "local", or "peer:<id>" for a peer's model. */
  readonly src: string;
  readonly model: string;
  readonly req_path: string;
  readonly method: string;
  readonly resp_content_type: string;
  readonly resp_status_code: number;
  /** ok, rejected, rejected_by_policy, upstream_error, aborted, client_stalled, cancelled. */
  readonly outcome: string;
  readonly tokens: ActivityTokens;
  readonly duration_ms: number;
  readonly load_wait_ms?: number;
  readonly ttfb_ms?: number;
  readonly ttft_ms?: number;
  readonly key_name?: string;
  readonly request_id: string;
  readonly has_capture: false;
}

/** Milliseconds to one decimal, as the rows show them. */
export const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

// RFC 3339 with milliseconds; the date and time up to the second is made once per second.
let cachedSecond = -1;
let cachedPrefix = '';
export function formatTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const millis = Math.floor(ms) - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

export function findTokens(notes: readonly Note[]): TokensNote | null {
  for (const note of notes) if (note.kind === 'tokens') return note;
  return null;
}

/** A refusal with a policy's block on record is told apart from other 4xx answers. */
export function getOutcome(record: FinishedRecord): string {
  if (record.outcome !== 'rejected') return record.outcome;
  for (const note of record.notes) {
    if (note.kind === 'policy' && note.decisions.some((d) => d.action === 'block')) return 'rejected_by_policy';
  }
  return 'rejected';
}

/** Arrival to the first generated text, ms; NaN when unknown (not a stream, or no usage reported). */
export function getTtftMs(record: FinishedRecord, note: TokensNote | null): number {
  return note?.firstTokenAt === undefined ? Number.NaN : roundMs(note.firstTokenAt - record.startedAt);
}
