// The streams of text inside one SSE answer (a choice's content, an Anthropic content block, a
// Responses output part), each keyed by its format adapter and governed through its own
// hold-back window. Without text rules nothing is held: text is released as it comes.
import type { SegmentResult } from '../policy/inspect-text.js';
import { createStreamTextWindow, type InspectSegment, type StreamTextWindow } from './stream-text-window.js';

export interface TextSlots {
  /** Governs the next piece of the slot's text; returns what can be released now. */
  push(key: string, text: string): SegmentResult;
  /** Releases what the slot holds. */
  flush(key: string): SegmentResult;
  /** Slots holding text, in the order they were first pushed to. */
  heldKeys(): string[];
  /** Whether the slot holds text now (cheaper than heldKeys for one slot). */
  isHolding(key: string): boolean;
  has(key: string): boolean;
  /** Everything released so far for the slot (kept only with keepReleased). */
  released(key: string): string;
}

interface Slot {
  readonly window: StreamTextWindow | null;
  released: string;
}

const NOTHING: SegmentResult = { text: '', blocked: null };

/** `inspect` is null when no text rule applies; keepReleased keeps each slot's released text. */
export function createTextSlots(inspect: InspectSegment | null, keepReleased: boolean): TextSlots {
  const slots = new Map<string, Slot>();

  const getSlot = (key: string): Slot => {
    let slot = slots.get(key);
    if (!slot) {
      slot = { window: inspect === null ? null : createStreamTextWindow(inspect), released: '' };
      slots.set(key, slot);
    }
    return slot;
  };

  const keep = (slot: Slot, result: SegmentResult): SegmentResult => {
    if (keepReleased && !result.blocked) slot.released += result.text;
    return result;
  };

  return {
    push(key, text) {
      const slot = getSlot(key);
      return keep(slot, slot.window === null ? { text, blocked: null } : slot.window.push(text));
    },
    flush(key) {
      const slot = slots.get(key);
      if (!slot?.window) return NOTHING;
      return keep(slot, slot.window.flush());
    },
    heldKeys: () => [...slots].filter(([, slot]) => (slot.window?.heldChars ?? 0) > 0).map(([key]) => key),
    isHolding: (key) => (slots.get(key)?.window?.heldChars ?? 0) > 0,
    has: (key) => slots.has(key),
    released: (key) => slots.get(key)?.released ?? '',
  };
}
