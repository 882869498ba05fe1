// OpenAI chat.completion.chunk and text_completion streams: text sits in choices[i].delta.content
// / reasoning_content / refusal (chat) or choices[i].text. A block ends with finish_reason
// "content_filter", an error event and [DONE]; a length cut with finish_reason "length" and [DONE].
// Tool call arguments are not governed (nor are they in JSON answers). Each choice's logprobs
// go out only with their text, verbatim (see stream-logprobs.ts); frames swapgate writes itself
// carry none.
import { isRecord } from '../policy/extract-texts.js';
import { DONE_FRAME, createDataFrame, createErrorFrame, serializeSseEvent } from './stream-frames.js';
import { sendFrames, type FlushStep, type FormatKit, type FormatStep, type Json, type StreamFormat } from './stream-format.js';
import { createLogprobsLedger, type LogprobsOutcome } from './stream-logprobs.js';
import type { PolicyBlock } from '../policy/types.js';

type ChunkKind = 'chat' | 'text';

const TEMPLATE_KEYS = ['id', 'object', 'created', 'model', 'system_fingerprint'];
const FIELDS: Readonly<Record<ChunkKind, readonly string[]>> = { chat: ['content', 'reasoning_content', 'refusal'], text: ['text'] };
const ALL_FIELDS = [...FIELDS.chat, ...FIELDS.text];

function getChunkKind(json: Json): ChunkKind | null {
  if (!Array.isArray(json.choices)) return null;
  if (json.object === 'chat.completion.chunk') return 'chat';
  if (json.object === 'text_completion') return 'text';
  const first: unknown = json.choices[0];
  if (isRecord(first) && isRecord(first.delta)) return 'chat';
  if (isRecord(first) && typeof first.text === 'string') return 'text';
  return null;
}

const getIndex = (choice: Json, position: number): number => (typeof choice.index === 'number' ? choice.index : position);

/** Characters of governed text each choice adds, for the token meter. */
function countChars(choices: readonly Json[], fields: readonly string[]): Map<number, number> {
  const counts = new Map<number, number>();
  choices.forEach((choice, position) => {
    const holder = isRecord(choice.delta) ? choice.delta : choice;
    const chars = fields.reduce((sum, f) => sum + (typeof holder[f] === 'string' ? (holder[f] as string).length : 0), 0);
    const index = getIndex(choice, position);
    counts.set(index, (counts.get(index) ?? 0) + chars);
  });
  return counts;
}

export function createChatFormat(kit: FormatKit): StreamFormat {
  const { meter } = kit;
  const slots = kit.createSlots(false);
  const ledger = createLogprobsLedger();
  const choicesSeen = new Set<number>();
  const choicesFinished = new Set<number>();
  /** Per choice: how many of its fields' slots hold text (kept as slots are pushed and flushed). */
  const heldFields = new Map<number, number>();
  const slotKeys = new Map<number, Readonly<Record<string, string>>>();
  let kind: ChunkKind = 'chat';
  // The last chunk, whose id/model/… a chunk swapgate writes itself copies (only then read).
  let templateSource: Json | null = null;

  const getSlotKeys = (index: number): Readonly<Record<string, string>> => {
    let keys = slotKeys.get(index);
    if (!keys) {
      keys = Object.fromEntries(ALL_FIELDS.map((field) => [field, `${index}:${field}`]));
      slotKeys.set(index, keys);
    }
    return keys;
  };

  /** Keeps heldFields true after a push or flush of `key`, which held text before or not. */
  const trackHeld = (index: number, key: string, wasHolding: boolean): void => {
    const holding = slots.isHolding(key);
    if (holding !== wasHolding) heldFields.set(index, (heldFields.get(index) ?? 0) + (holding ? 1 : -1));
  };

  /** Releases held text per choice (only one choice, or all); a block found while flushing wins. */
  const flushChoices = (only: number | null): { texts: Map<number, Json>; block: PolicyBlock | null } => {
    const texts = new Map<number, Json>();
    if (only !== null && (heldFields.get(only) ?? 0) === 0) return { texts, block: null };
    for (const key of slots.heldKeys()) {
      const [choiceText = '', field = 'content'] = key.split(':');
      const choice = Number(choiceText);
      if (only !== null && choice !== only) continue;
      const result = slots.flush(key);
      trackHeld(choice, key, true);
      if (result.blocked) return { texts, block: result.blocked };
      if (result.text !== '') texts.set(choice, { ...texts.get(choice), [field]: result.text });
    }
    return { texts, block: null };
  };

  const getTemplate = (): Json => {
    const source = templateSource;
    if (source === null) return { object: 'chat.completion.chunk' };
    return Object.fromEntries(TEMPLATE_KEYS.filter((k) => k in source).map((k) => [k, source[k]]));
  };

  const makeChunk = (finishReason: string | null, texts: Map<number, Json>): Json => {
    const indices = [...new Set([...choicesSeen, ...texts.keys()])].sort((a, b) => a - b);
    const choices = (indices.length > 0 ? indices : [0]).map((index) => {
      const fields = texts.get(index) ?? {};
      return kind === 'chat'
        ? { index, delta: fields, finish_reason: finishReason }
        : { index, text: typeof fields.text === 'string' ? fields.text : '', finish_reason: finishReason };
    });
    return { ...getTemplate(), choices };
  };

  /** Gives a choice the logprobs the ledger allows; returns whether that changed them. */
  const applyLogprobs = (choice: Json, { logprobs, sent }: LogprobsOutcome): { changed: boolean; sent: boolean } => {
    if (choice.logprobs === logprobs || (logprobs === null && !('logprobs' in choice))) return { changed: false, sent };
    choice.logprobs = logprobs;
    return { changed: true, sent };
  };

  /** Runs one choice's texts through its slots; returns a block, or what changed. */
  const governChoice = (choice: Json, position: number): PolicyBlock | { changed: boolean; sent: boolean } => {
    const index = getIndex(choice, position);
    choicesSeen.add(index);
    if (kind === 'chat' && !isRecord(choice.delta)) choice.delta = {};
    const holder = kind === 'chat' ? (choice.delta as Json) : choice;
    const keys = getSlotKeys(index);
    const upstream = new Map<string, string>();
    let changed = false;
    for (const field of FIELDS[kind]) {
      const value = holder[field];
      if (typeof value !== 'string') continue;
      upstream.set(field, value);
      const key = keys[field] ?? `${index}:${field}`;
      const wasHolding = slots.isHolding(key);
      const result = slots.push(key, value);
      trackHeld(index, key, wasHolding);
      if (result.blocked) return result.blocked;
      if (result.text !== value) {
        holder[field] = result.text;
        changed = true;
      }
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      choicesFinished.add(index);
      const { texts, block } = flushChoices(index);
      if (block) return block;
      for (const [field, text] of Object.entries(texts.get(index) ?? {})) {
        holder[field] = `${typeof holder[field] === 'string' ? holder[field] : ''}${String(text)}`;
        upstream.set(field, upstream.get(field) ?? '');
        changed = true;
      }
    }
    const holding = (heldFields.get(index) ?? 0) > 0;
    // No logprobs and all text out as it came: the ledger may have nothing to settle.
    const quiet = !changed && !holding && !isRecord(choice.logprobs) ? ledger.settleQuiet(index) : null;
    if (quiet !== null) return applyLogprobs(choice, quiet);
    const texts = [...upstream].map(([field, text]) => ({ field, upstream: text, released: String(holder[field]) }));
    const logprobs = applyLogprobs(choice, ledger.settle(index, texts, choice.logprobs, holding));
    return { changed: changed || logprobs.changed, sent: logprobs.sent };
  };

  return {
    handle({ raw, sse, json }): FormatStep {
      const chunkKind = getChunkKind(json);
      if (!chunkKind) return sendFrames([raw]);
      kind = chunkKind;
      templateSource = json;
      const choices = (json.choices as unknown[]).filter(isRecord);
      // A usage-only chunk after every choice finished must not add a second finish.
      const finished = choicesSeen.size > 0 && choicesFinished.size >= choicesSeen.size;
      const usage = isRecord(json.usage) && typeof json.usage.completion_tokens === 'number' ? json.usage.completion_tokens : null;
      const verdict = finished || !meter.active ? null : meter.measure(countChars(choices, FIELDS[kind]), usage);
      if (verdict === 'block') return { kind: 'block', block: meter.describeBlock() };
      if (verdict === 'truncate') return { kind: 'truncate' };
      let changed = false;
      let sent = true;
      for (const [position, choice] of choices.entries()) {
        const outcome = governChoice(choice, position);
        if ('policyId' in outcome) return { kind: 'block', block: outcome };
        changed ||= outcome.changed;
        sent &&= outcome.sent;
      }
      // Older llama-server builds add the chunk's token probabilities here too.
      if (!sent && Array.isArray(json.completion_probabilities) && json.completion_probabilities.length > 0) {
        json.completion_probabilities = [];
        changed = true;
      }
      return sendFrames([changed ? serializeSseEvent(sse, JSON.stringify(json)) : raw]);
    },
    flush(): FlushStep {
      const { texts, block } = flushChoices(null);
      if (block) return { kind: 'block', block };
      return sendFrames(texts.size > 0 ? [createDataFrame(makeChunk(null, texts))] : []);
    },
    endBlocked(block) {
      return [createDataFrame(makeChunk('content_filter', new Map())), createErrorFrame(block), DONE_FRAME];
    },
    endTruncated(): FlushStep {
      const { texts, block } = flushChoices(null);
      if (block) return { kind: 'block', block };
      return sendFrames([createDataFrame(makeChunk('length', texts)), DONE_FRAME]);
    },
  };
}
