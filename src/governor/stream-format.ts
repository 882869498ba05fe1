// The contract between the stream governor and one SSE answer format (OpenAI chat/completions
// chunks, Anthropic Messages events, OpenAI Responses events). The governor splits events,
// keeps the state and ends the stream; a format adapter knows where the text sits in its
// events and how its API says "stopped by a filter" or "hit the token limit".
import type { SseEvent } from './stream-frames.js';
import type { TextSlots } from './stream-text-slots.js';
import type { TokenMeter } from './stream-token-meter.js';
import type { PolicyBlock } from '../policy/types.js';

export type Json = Record<string, unknown>;

export type FormatKind = 'chat' | 'anthropic' | 'responses';

export interface UpstreamEvent {
  /** The event's bytes as the upstream sent them (forwarded when nothing changes). */
  readonly raw: Buffer;
  readonly sse: SseEvent;
  /** Its data: line, parsed (adapters may change it in place before re-serializing). */
  readonly json: Json;
}

/** What an adapter made of an event: frames to send, or a reason to end the stream. */
export type FormatStep =
  | { readonly kind: 'send'; readonly frames: Buffer[]; readonly done?: boolean }
  | { readonly kind: 'block'; readonly block: PolicyBlock }
  | { readonly kind: 'truncate' };

/** A step that cannot truncate (flushing, ending). */
export type FlushStep = Extract<FormatStep, { kind: 'send' | 'block' }>;

export interface StreamFormat {
  /** Governs one upstream event whose data is a JSON object. */
  handle(event: UpstreamEvent): FormatStep;
  /** Releases all held text as frames (the upstream ended without the format's own ending). */
  flush(): FlushStep;
  /** The frames ending a stream a policy blocked; held text is dropped. */
  endBlocked(block: PolicyBlock): Buffer[];
  /** Held text, then the frames ending a stream cut by response_length. */
  endTruncated(): FlushStep;
}

/** What every adapter is built with. */
export interface FormatKit {
  readonly meter: TokenMeter;
  createSlots(keepReleased: boolean): TextSlots;
}

/** `done`: the event was the format's own end of the answer. */
export function sendFrames(frames: Buffer[], done = false): FlushStep {
  return { kind: 'send', frames, done };
}

const ANTHROPIC_TYPES = new Set(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);

/** The format an event belongs to, or null when it does not say (ping, error, comments). */
export function detectFormat(json: Json): FormatKind | null {
  if (Array.isArray(json.choices)) return 'chat';
  const type = json.type;
  if (typeof type !== 'string') return null;
  if (type.startsWith('response.')) return 'responses';
  return ANTHROPIC_TYPES.has(type) ? 'anthropic' : null;
}
