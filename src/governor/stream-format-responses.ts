// OpenAI Responses streams (/v1/responses): text arrives in *.delta events (output_text,
// refusal, reasoning_text, reasoning_summary_text), keyed by item_id (or output_index) and
// content_index / summary_index; each such part is one governed stream of text. The same text
// comes back whole in *.done, content_part.done, output_item.done and response.completed: all
// of them get the governed text the deltas carried, so no ending undoes a redaction. Function
// call arguments are not governed, as tool call arguments are not in the other formats.
// A block ends with response.incomplete (incomplete_details.reason "content_filter") and an
// error event naming the policy; a length cut with response.incomplete, reason
// "max_output_tokens". Both carry the output released so far.
import { getOutputText, isRecord } from '../policy/extract-texts.js';
import { createEventFrame, serializeSseEvent } from './stream-frames.js';
import { sendFrames, type FlushStep, type FormatKit, type FormatStep, type Json, type StreamFormat, type UpstreamEvent } from './stream-format.js';
import { createResponsesOutput, getPartKey, getTextField, type PartSlot } from './stream-responses-output.js';

const DELTA_PARTS: Readonly<Record<string, string>> = {
  'response.output_text.delta': 'output_text',
  'response.refusal.delta': 'refusal',
  'response.reasoning_text.delta': 'reasoning_text',
  'response.reasoning_summary_text.delta': 'summary_text',
};
const DONE_FIELDS: Readonly<Record<string, string>> = {
  'response.output_text.done': 'text',
  'response.refusal.done': 'refusal',
  'response.reasoning_text.done': 'text',
  'response.reasoning_summary_text.done': 'text',
};
const PART_ADDED = new Set(['response.content_part.added', 'response.reasoning_summary_part.added']);
const PART_DONE = new Set(['response.content_part.done', 'response.reasoning_summary_part.done']);
const RESPONSE_STARTED = new Set(['response.created', 'response.in_progress', 'response.queued']);
const RESPONSE_ENDED = new Set(['response.completed', 'response.incomplete', 'response.failed']);

const getIndexKey = (index: unknown): string => `#${typeof index === 'number' ? index : 0}`;
const getEventItemKey = (json: Json): string => (typeof json.item_id === 'string' ? json.item_id : getIndexKey(json.output_index));
const getItemKey = (item: Json, outputIndex: unknown): string => (typeof item.id === 'string' ? item.id : getIndexKey(outputIndex));
const getSlot = (json: Json): PartSlot =>
  String(json.type).includes('summary') ? `s${typeof json.summary_index === 'number' ? json.summary_index : 0}` : `c${typeof json.content_index === 'number' ? json.content_index : 0}`;
const getEventPartKey = (json: Json): string => getPartKey(getEventItemKey(json), getSlot(json));

/** Writes governed text; logprobs would still spell out what was redacted or held, so they go. */
function replaceText(holder: Json, field: string, text: string): void {
  holder[field] = text;
  if (Array.isArray(holder.logprobs) && holder.logprobs.length > 0) holder.logprobs = [];
}

/** A block or truncation ends the stream; true / false: the event changed / did not. */
type Outcome = FormatStep | boolean;
/** The sequence_number (if the upstream numbers its events) of a frame swapgate adds. */
type Numbering = () => Json;

export function createResponsesFormat(kit: FormatKit): StreamFormat {
  const { meter } = kit;
  const slots = kit.createSlots(true);
  const output = createResponsesOutput();
  const deltaEvents = new Map<string, Json>();
  const settled = new Map<string, string>();
  let lastSequence: number | null = null;

  const nextSequence: Numbering = () => (lastSequence === null ? {} : { sequence_number: ++lastSequence });
  // Held text goes out just before the event that settles it, under that event's number:
  // renumbering every later event would rewrite events that carry no text.
  const sameAs = (json: Json): Numbering => () => (typeof json.sequence_number === 'number' ? { sequence_number: json.sequence_number } : {});

  /** A delta carrying held text, shaped like the part's own deltas. */
  const tailFrame = (key: string, text: string, numbering: Numbering): Buffer => {
    const like = deltaEvents.get(key) ?? {};
    return createEventFrame(String(like.type), { ...like, delta: text, ...('logprobs' in like ? { logprobs: [] } : {}), ...numbering() });
  };

  const flushHeld = (tails: Buffer[], numbering: Numbering): FlushStep | null => {
    for (const key of slots.heldKeys()) {
      const result = slots.flush(key);
      if (result.blocked) return { kind: 'block', block: result.blocked };
      if (result.text !== '') tails.push(tailFrame(key, result.text, numbering));
    }
    return null;
  };

  /** The part's whole governed text: what its deltas carried, held text going to `tails` first. */
  const settle = (key: string, upstream: string, tails: Buffer[], numbering: Numbering): FormatStep | string => {
    const known = settled.get(key);
    if (known !== undefined) return known;
    if (deltaEvents.has(key)) {
      const tail = slots.flush(key);
      if (tail.blocked) return { kind: 'block', block: tail.blocked };
      if (tail.text !== '') tails.push(tailFrame(key, tail.text, numbering));
    } else {
      // Seen only whole (no deltas): governed whole, and nothing was streamed to add to.
      const head = slots.push(key, upstream);
      const rest = head.blocked ? head : slots.flush(key);
      if (rest.blocked) return { kind: 'block', block: rest.blocked };
    }
    const full = slots.released(key);
    settled.set(key, full);
    return full;
  };

  const settleField = (holder: Json, field: string, key: string, tails: Buffer[], numbering: Numbering): Outcome => {
    const value = holder[field];
    if (typeof value !== 'string') return false;
    const full = settle(key, value, tails, numbering);
    if (typeof full !== 'string') return full;
    if (full === value) return false;
    replaceText(holder, field, full);
    return true;
  };

  /** Every text part of an output item (output_item.done, or response.output[i]). */
  const settleItem = (item: Json, itemKey: string, tails: Buffer[], numbering: Numbering): Outcome => {
    let changed = false;
    for (const [list, letter] of [[item.content, 'c'], [item.summary, 's']] as const) {
      if (!Array.isArray(list)) continue;
      for (const [position, part] of list.entries()) {
        if (!isRecord(part)) continue;
        const outcome = settleField(part, getTextField(part.type), getPartKey(itemKey, `${letter}${position}`), tails, numbering);
        if (typeof outcome === 'object') return outcome;
        changed ||= outcome;
      }
    }
    return changed;
  };

  const settleResponse = (response: Json, tails: Buffer[], numbering: Numbering): Outcome => {
    let changed = false;
    const items = Array.isArray(response.output) ? response.output : [];
    for (const [index, item] of items.entries()) {
      if (!isRecord(item)) continue;
      const outcome = settleItem(item, getItemKey(item, index), tails, numbering);
      if (typeof outcome === 'object') return outcome;
      changed ||= outcome;
    }
    const block = flushHeld(tails, numbering);
    if (block) return block;
    if (changed && typeof response.output_text === 'string') response.output_text = getOutputText(items);
    return changed;
  };

  const governDelta = (json: Json, partType: string): Outcome => {
    const value = json.delta;
    if (typeof value !== 'string') return false;
    const slot = getSlot(json);
    const itemKey = getEventItemKey(json);
    const key = getPartKey(itemKey, slot);
    output.addPart(itemKey, slot, partType, null);
    deltaEvents.set(key, json);
    const verdict = meter.active ? meter.measureOne(value.length, null) : null;
    if (verdict === 'block') return { kind: 'block', block: meter.describeBlock() };
    if (verdict === 'truncate') return { kind: 'truncate' };
    const result = slots.push(key, value);
    if (result.blocked) return { kind: 'block', block: result.blocked };
    if (result.text === value) return false;
    replaceText(json, 'delta', result.text);
    return true;
  };

  /** Runs `govern` on the event; sends the tails it produced, then the event (rewritten if changed). */
  const sendGoverned = ({ raw, sse, json }: UpstreamEvent, govern: (tails: Buffer[], numbering: Numbering) => Outcome, done = false): FormatStep => {
    const tails: Buffer[] = [];
    const outcome = govern(tails, sameAs(json));
    if (typeof outcome === 'object') return outcome;
    return sendFrames([...tails, outcome ? serializeSseEvent(sse, JSON.stringify(json)) : raw], done);
  };

  const endFrame = (reason: string): Buffer => {
    const response = output.buildIncomplete(reason, (key) => slots.released(key));
    return createEventFrame('response.incomplete', { type: 'response.incomplete', response, ...nextSequence() });
  };

  return {
    handle(event) {
      const { json } = event;
      const type = String(json.type);
      if (typeof json.sequence_number === 'number') lastSequence = Math.max(lastSequence ?? 0, json.sequence_number);
      const partType = DELTA_PARTS[type];
      if (partType !== undefined) {
        // The common event: a delta never adds tails, so no closures or tail list for it.
        const outcome = governDelta(json, partType);
        if (typeof outcome === 'object') return outcome;
        return sendFrames([outcome ? serializeSseEvent(event.sse, JSON.stringify(json)) : event.raw]);
      }
      const field = DONE_FIELDS[type];
      if (field !== undefined) return sendGoverned(event, (tails, n) => settleField(json, field, getEventPartKey(json), tails, n));
      const { part, item, response } = json;
      if (PART_DONE.has(type) && isRecord(part)) {
        return sendGoverned(event, (tails, n) => settleField(part, getTextField(part.type), getEventPartKey(json), tails, n));
      }
      if (type === 'response.output_item.done' && isRecord(item)) {
        const itemKey = getItemKey(item, json.output_index);
        const step = sendGoverned(event, (tails, n) => settleItem(item, itemKey, tails, n));
        if (step.kind === 'send') output.finishItem(itemKey, item);
        return step;
      }
      if (RESPONSE_ENDED.has(type) && isRecord(response)) {
        const usage = isRecord(response.usage) && typeof response.usage.output_tokens === 'number' ? response.usage.output_tokens : null;
        const verdict = meter.measureOne(0, usage);
        if (verdict === 'block') return { kind: 'block', block: meter.describeBlock() };
        if (verdict === 'truncate') return { kind: 'truncate' };
        return sendGoverned(event, (tails, n) => settleResponse(response, tails, n), true);
      }
      if (RESPONSE_STARTED.has(type) && isRecord(response)) output.setResponse(response);
      if (type === 'response.output_item.added' && isRecord(item)) output.addItem(getItemKey(item, json.output_index), item);
      if (PART_ADDED.has(type) && isRecord(part)) output.addPart(getEventItemKey(json), getSlot(json), String(part.type), part);
      return sendFrames([event.raw]);
    },
    flush() {
      const tails: Buffer[] = [];
      return flushHeld(tails, nextSequence) ?? sendFrames(tails);
    },
    endBlocked(block) {
      const error = { type: 'error', code: 'policy_violation', message: block.message, param: null, policy_id: block.policyId, rule_type: block.ruleType };
      return [endFrame('content_filter'), createEventFrame('error', { ...error, ...nextSequence() })];
    },
    endTruncated() {
      const tails: Buffer[] = [];
      return flushHeld(tails, nextSequence) ?? sendFrames([...tails, endFrame('max_output_tokens')]);
    },
  };
}
