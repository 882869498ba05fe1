// Governs a streamed (SSE) chat/text completion: redacts PII split across chunks, ends the
// stream on a mid-stream block (finish_reason "content_filter" + error event + [DONE]) or
// when the answer runs past a response_length limit (finish_reason "length" + [DONE]).
// Events that carry no text to govern pass through byte-identical.
import type { CompiledLengthRule, CompiledTextRule } from './compile-rule.js';
import { createDecisionTally } from './decision-tally.js';
import { isRecord } from './extract-texts.js';
import { applyTextRule, type SegmentResult } from './inspect-text.js';
import { createSseSplitter } from './sse-splitter.js';
import { createTokenMeter } from './stream-token-meter.js';
import { createStreamTextWindow, type StreamTextWindow } from './stream-text-window.js';
import { DONE_FRAME, createDataFrame, createErrorFrame, parseSseEvent, serializeSseEvent } from './stream-frames.js';
import { GOVERNOR_TRANSITIONS, type GovernorState, type PolicyBlock, type StreamGovernor } from './types.js';

export interface GovernorRules {
  readonly text: readonly CompiledTextRule[];
  readonly length: readonly CompiledLengthRule[];
}

type ChunkKind = 'chat' | 'text';
type Json = Record<string, unknown>;

const TEMPLATE_KEYS = ['id', 'object', 'created', 'model', 'system_fingerprint'];
const FIELDS: Readonly<Record<ChunkKind, readonly string[]>> = { chat: ['content', 'reasoning_content'], text: ['text'] };

function getChunkKind(json: Json): ChunkKind | null {
  if (!Array.isArray(json.choices)) return null;
  if (json.object === 'chat.completion.chunk') return 'chat';
  if (json.object === 'text_completion') return 'text';
  const first: unknown = json.choices[0];
  if (isRecord(first) && isRecord(first.delta)) return 'chat';
  if (isRecord(first) && typeof first.text === 'string') return 'text';
  return null;
}

function parseJsonObject(data: string): Json | null {
  try {
    const value: unknown = JSON.parse(data);
    return isRecord(value) ? value : null;
  } catch {
    return null; // not JSON: the event is forwarded untouched
  }
}

export function createStreamGovernor(rules: GovernorRules): StreamGovernor {
  const splitter = createSseSplitter();
  const tally = createDecisionTally();
  const meter = createTokenMeter(rules.length, tally);
  const windows = new Map<string, StreamTextWindow>();
  const choicesSeen = new Set<number>();
  const choicesFinished = new Set<number>();
  let state: GovernorState = 'open';
  let blocked: PolicyBlock | null = null;
  let kind: ChunkKind = 'chat';
  let template: Json = { object: 'chat.completion.chunk' };

  const moveTo = (next: GovernorState): void => {
    if (!GOVERNOR_TRANSITIONS[state].includes(next)) throw new Error(`stream governor: illegal transition ${state} → ${next}`);
    state = next;
  };

  const inspectSegment = (segment: string, context: string): SegmentResult => {
    let text = segment;
    for (const rule of rules.text) {
      const result = applyTextRule(rule, 'response', text, context, tally);
      if (result.blocked) return result;
      text = result.text;
    }
    return { text, blocked: null };
  };

  const getWindow = (choice: number, field: string): StreamTextWindow => {
    const key = `${choice}:${field}`;
    let window = windows.get(key);
    if (!window) {
      window = createStreamTextWindow(inspectSegment);
      windows.set(key, window);
    }
    return window;
  };

  /** Releases held text per choice; a block found while flushing wins. */
  const flushWindows = (only: number | null): { texts: Map<number, Json>; block: PolicyBlock | null } => {
    const texts = new Map<number, Json>();
    for (const [key, window] of windows) {
      const [choiceText = '', field = 'content'] = key.split(':');
      const choice = Number(choiceText);
      if ((only !== null && choice !== only) || window.heldChars === 0) continue;
      const result = window.flush();
      if (result.blocked) return { texts, block: result.blocked };
      if (result.text !== '') texts.set(choice, { ...texts.get(choice), [field]: result.text });
    }
    return { texts, block: null };
  };

  const makeChunk = (finishReason: string | null, texts: Map<number, Json>): Json => {
    const indices = [...new Set([...choicesSeen, ...texts.keys()])].sort((a, b) => a - b);
    const choices = (indices.length > 0 ? indices : [0]).map((index) => {
      const fields = texts.get(index) ?? {};
      return kind === 'chat'
        ? { index, delta: fields, finish_reason: finishReason }
        : { index, text: typeof fields.text === 'string' ? fields.text : '', finish_reason: finishReason };
    });
    return { ...template, choices };
  };

  const endWithBlock = (block: PolicyBlock): Buffer[] => {
    moveTo('blocked');
    blocked = block;
    return [createDataFrame(makeChunk('content_filter', new Map())), createErrorFrame(block), DONE_FRAME];
  };

  const endWithLength = (): Buffer[] => {
    const { texts, block } = flushWindows(null);
    if (block) return endWithBlock(block);
    moveTo('truncated');
    return [createDataFrame(makeChunk('length', texts)), DONE_FRAME];
  };

  const flushAll = (): Buffer[] => {
    const { texts, block } = flushWindows(null);
    if (block) return endWithBlock(block);
    return texts.size > 0 ? [createDataFrame(makeChunk(null, texts))] : [];
  };

  /** Runs one choice's texts through its windows; returns a block, or whether anything changed. */
  const governChoice = (choice: Json, position: number): PolicyBlock | boolean => {
    const index = typeof choice.index === 'number' ? choice.index : position;
    choicesSeen.add(index);
    if (kind === 'chat' && !isRecord(choice.delta)) choice.delta = {};
    const holder = kind === 'chat' ? (choice.delta as Json) : choice;
    let changed = false;
    if (rules.text.length > 0) {
      for (const field of FIELDS[kind]) {
        const value = holder[field];
        if (typeof value !== 'string') continue;
        const result = getWindow(index, field).push(value);
        if (result.blocked) return result.blocked;
        if (result.text !== value) {
          holder[field] = result.text;
          changed = true;
        }
      }
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      choicesFinished.add(index);
      const { texts, block } = flushWindows(index);
      if (block) return block;
      for (const [field, text] of Object.entries(texts.get(index) ?? {})) {
        holder[field] = `${typeof holder[field] === 'string' ? holder[field] : ''}${String(text)}`;
        changed = true;
      }
    }
    return changed;
  };

  const hasEnded = (): boolean => state === 'blocked' || state === 'truncated';

  const handleEvent = (raw: Buffer): Buffer[] => {
    if (hasEnded()) return [];
    const event = parseSseEvent(raw);
    if (event.data === null || state === 'done') return [raw];
    if (event.data.trim() === '[DONE]') {
      const out = flushAll();
      if (hasEnded()) return out;
      moveTo('done');
      return [...out, raw];
    }
    const json = parseJsonObject(event.data);
    const chunkKind = json ? getChunkKind(json) : null;
    if (!json || !chunkKind) return [raw];
    kind = chunkKind;
    template = Object.fromEntries(TEMPLATE_KEYS.filter((k) => k in json).map((k) => [k, json[k]]));
    const choices = (json.choices as unknown[]).filter(isRecord);
    // A usage-only chunk after every choice finished must not add a second finish.
    const finished = choicesSeen.size > 0 && choicesFinished.size >= choicesSeen.size;
    const verdict = finished ? null : meter.measure(json, choices, FIELDS[kind]);
    if (verdict !== null) return verdict === 'block' ? endWithBlock(meter.describeBlock()) : endWithLength();
    let changed = false;
    for (const [position, choice] of choices.entries()) {
      const outcome = governChoice(choice, position);
      if (typeof outcome === 'object') return endWithBlock(outcome);
      changed ||= outcome;
    }
    return changed ? [serializeSseEvent(event, JSON.stringify(json))] : [raw];
  };

  return {
    push(chunk) {
      const out: Buffer[] = [];
      for (const raw of splitter.push(chunk)) out.push(...handleEvent(raw));
      return out;
    },
    end() {
      const rest = splitter.end();
      const out = rest ? handleEvent(rest) : [];
      if (state === 'open') out.push(...flushAll());
      return out;
    },
    decisions: () => tally.list(),
    get state() {
      return state;
    },
    get blocked() {
      return blocked;
    },
  };
}
