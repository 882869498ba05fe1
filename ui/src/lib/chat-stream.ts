// One event of a streamed chat completion, as the Playground reads it. swapgate's loading-state
// chunks (sendLoadingState: a model that must load first) carry their progress in
// delta.reasoning_content under an id of their own, so they are told apart from a model's reasoning.
import type { Timings } from './tok-rate';

export interface Usage {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
}

export interface ChatChunk {
  readonly content: string;
  readonly reasoning: string;
  /** Loading-state text ("loading model x ...", "model x loaded in 1.2s"). */
  readonly loading: string;
  readonly usage: Usage | null;
  readonly timings: Timings | null;
  readonly error: string | null;
  /** The "[DONE]" event. */
  readonly done: boolean;
}

const LOADING_ID_PREFIX = 'chatcmpl-swapgate-loading-';
const EMPTY: ChatChunk = { content: '', reasoning: '', loading: '', usage: null, timings: null, error: null, done: false };

interface RawChunk {
  id?: unknown;
  choices?: { delta?: { content?: unknown; reasoning_content?: unknown } }[];
  usage?: Usage | null;
  timings?: Timings;
  error?: { message?: unknown };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function readChatChunk(data: string): ChatChunk {
  if (data.trim() === '[DONE]') return { ...EMPTY, done: true };
  let raw: RawChunk;
  try {
    raw = JSON.parse(data) as RawChunk;
  } catch {
    return EMPTY;
  }
  if (raw.error !== undefined) return { ...EMPTY, error: text(raw.error.message) || 'the stream reported an error' };
  const delta = raw.choices?.[0]?.delta;
  const reasoning = text(delta?.reasoning_content);
  const loading = typeof raw.id === 'string' && raw.id.startsWith(LOADING_ID_PREFIX);
  return {
    content: text(delta?.content),
    reasoning: loading ? '' : reasoning,
    loading: loading ? reasoning : '',
    usage: raw.usage ?? null,
    timings: raw.timings ?? null,
    error: null,
    done: false,
  };
}

/** "model x loaded in 1.2s" → 1200 ms; null until the loading text says it. */
export function getLoadMs(loadingText: string): number | null {
  const match = /loaded in (\d+(?:\.\d+)?)s/.exec(loadingText);
  return match === null ? null : Math.round(Number(match[1]) * 1000);
}
