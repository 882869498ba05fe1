// Anthropic Messages streams (/v1/messages): text sits in content_block_delta events, delta
// "text_delta" (field text) or "thinking_delta" (field thinking); each content block index is
// one governed stream of text. Tool input (input_json_delta) is not governed, as tool call
// arguments are not in the other formats; signatures and citations pass untouched.
// A block ends the message the way Anthropic's own streaming classifiers do: open blocks stop,
// message_delta says stop_reason "refusal", then an error event names the policy (the SDK
// raises it as an APIError) and message_stop. A length cut ends with stop_reason "max_tokens".
import { isRecord } from '../policy/extract-texts.js';
import { createEventFrame, getPolicyErrorBody, serializeSseEvent } from './stream-frames.js';
import { sendFrames, type FlushStep, type FormatKit, type FormatStep, type Json, type StreamFormat } from './stream-format.js';
import { estimateChunkTokens } from './stream-token-meter.js';
import type { PolicyBlock } from '../policy/types.js';

/** Which field of a delta / a starting block holds text, by its type. */
const DELTA_FIELDS: Readonly<Record<string, string>> = { text_delta: 'text', thinking_delta: 'thinking' };
const BLOCK_FIELDS: Readonly<Record<string, string>> = { text: 'text', thinking: 'thinking' };

const getIndex = (json: Json): number => (typeof json.index === 'number' ? json.index : 0);

/** The object and field holding text in a content_block_start or content_block_delta event. */
function findText(json: Json): { holder: Json; field: string } | null {
  const starting = json.type === 'content_block_start';
  const holder = starting ? json.content_block : json.type === 'content_block_delta' ? json.delta : null;
  if (!isRecord(holder)) return null;
  const field = (starting ? BLOCK_FIELDS : DELTA_FIELDS)[String(holder.type)];
  return field === undefined ? null : { holder, field };
}

function deltaFrame(index: number, field: string, text: string): Buffer {
  const delta = field === 'thinking' ? { type: 'thinking_delta', thinking: text } : { type: 'text_delta', text };
  return createEventFrame('content_block_delta', { type: 'content_block_delta', index, delta });
}

export function createAnthropicFormat(kit: FormatKit): StreamFormat {
  const { meter } = kit;
  const slots = kit.createSlots(false);
  const openBlocks = new Set<number>();
  // Reported in the message_delta swapgate writes itself; the upstream's count is not known yet.
  let outputTokens = 0;

  /** Releases what one block (or every block) holds, as delta frames; a block found wins. */
  const flushBlocks = (only: number | null): { frames: Buffer[]; block: PolicyBlock | null } => {
    const frames: Buffer[] = [];
    for (const key of slots.heldKeys()) {
      const [indexText = '', field = 'text'] = key.split(':');
      const index = Number(indexText);
      if (only !== null && index !== only) continue;
      const result = slots.flush(key);
      if (result.blocked) return { frames, block: result.blocked };
      if (result.text !== '') frames.push(deltaFrame(index, field, result.text));
    }
    return { frames, block: null };
  };

  /** Meters and governs one piece of a block's text, rewriting `holder[field]` when it changes. */
  const governText = (index: number, holder: Json, field: string): FormatStep | boolean => {
    const value = holder[field];
    if (typeof value !== 'string' || value === '') return false;
    const verdict = meter.active ? meter.measureOne(value.length, null) : null;
    if (verdict === 'block') return { kind: 'block', block: meter.describeBlock() };
    if (verdict === 'truncate') return { kind: 'truncate' };
    outputTokens += estimateChunkTokens(value.length);
    const result = slots.push(`${index}:${field}`, value);
    if (result.blocked) return { kind: 'block', block: result.blocked };
    if (result.text === value) return false;
    holder[field] = result.text;
    return true;
  };

  const finishFrames = (stopReason: string): Buffer[] => [
    ...[...openBlocks].map((index) => createEventFrame('content_block_stop', { type: 'content_block_stop', index })),
    createEventFrame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: outputTokens },
    }),
  ];
  const stopFrame = (): Buffer => createEventFrame('message_stop', { type: 'message_stop' });

  /** Held text goes out before the event that ends its block or the message. */
  const flushBefore = (raw: Buffer, only: number | null, done = false): FlushStep => {
    const { frames, block } = flushBlocks(only);
    return block ? { kind: 'block', block } : sendFrames([...frames, raw], done);
  };

  return {
    handle({ raw, sse, json }) {
      const index = getIndex(json);
      switch (json.type) {
        case 'content_block_start':
          openBlocks.add(index);
          break;
        case 'content_block_stop': {
          const step = flushBefore(raw, index);
          if (step.kind === 'send') openBlocks.delete(index);
          return step;
        }
        case 'message_delta': {
          const usage = isRecord(json.usage) && typeof json.usage.output_tokens === 'number' ? json.usage.output_tokens : null;
          const verdict = meter.measureOne(0, usage);
          if (verdict === 'block') return { kind: 'block', block: meter.describeBlock() };
          if (verdict === 'truncate') return { kind: 'truncate' };
          return flushBefore(raw, null);
        }
        case 'message_stop':
          return flushBefore(raw, null, true);
      }
      const text = findText(json);
      if (text === null) return sendFrames([raw]);
      const outcome = governText(index, text.holder, text.field);
      if (typeof outcome === 'object') return outcome;
      return sendFrames([outcome ? serializeSseEvent(sse, JSON.stringify(json)) : raw]);
    },
    flush() {
      const { frames, block } = flushBlocks(null);
      return block ? { kind: 'block', block } : sendFrames(frames);
    },
    endBlocked(block) {
      const error = createEventFrame('error', { type: 'error', error: getPolicyErrorBody(block).error });
      return [...finishFrames('refusal'), error, stopFrame()];
    },
    endTruncated() {
      const { frames, block } = flushBlocks(null);
      if (block) return { kind: 'block', block };
      return sendFrames([...frames, ...finishFrames('max_tokens'), stopFrame()]);
    },
  };
}
