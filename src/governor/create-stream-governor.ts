// Governs a streamed (SSE) answer: redacts PII split across chunks, ends the stream on a
// mid-stream block or when the answer runs past a response_length limit, each the way the
// answer's own API says so. The format (OpenAI chat/completions, Anthropic Messages, OpenAI
// Responses) is recognised from the first event that names it; an adapter per format knows
// where its text sits (see stream-format-*.ts). Events that carry no text to govern pass
// through byte-identical.
import { createDecisionTally } from '../policy/decision-tally.js';
import { isRecord } from '../policy/extract-texts.js';
import { applyTextRule, type SegmentResult } from '../policy/inspect-text.js';
import {
  GOVERNOR_TRANSITIONS,
  type GovernorState,
  type ModelContext,
  type PolicyBlock,
  type PolicyEngine,
  type ResponseRules,
  type StreamGovernor,
} from '../policy/types.js';
import { createSseSplitter } from '../shared/sse-splitter.js';
import { parseSseEvent } from './stream-frames.js';
import { detectFormat, type FormatKind, type FormatKit, type FormatStep, type Json, type StreamFormat } from './stream-format.js';
import { createAnthropicFormat } from './stream-format-anthropic.js';
import { createChatFormat } from './stream-format-chat.js';
import { createResponsesFormat } from './stream-format-responses.js';
import { createTextSlots } from './stream-text-slots.js';
import { createTokenMeter } from './stream-token-meter.js';

const FORMATS: Readonly<Record<FormatKind, (kit: FormatKit) => StreamFormat>> = {
  chat: createChatFormat,
  anthropic: createAnthropicFormat,
  responses: createResponsesFormat,
};

function parseJsonObject(data: string): Json | null {
  try {
    const value: unknown = JSON.parse(data);
    return isRecord(value) ? value : null;
  } catch {
    return null; // not JSON: the event is forwarded untouched
  }
}

/** The governor for one model's streamed answer; null when no response rule applies (pipe it untouched). */
export function createStreamGovernorFor(engine: Pick<PolicyEngine, 'selectResponseRules'>, ctx: ModelContext): StreamGovernor | null {
  const rules = engine.selectResponseRules(ctx);
  return rules === null ? null : createStreamGovernor(rules);
}

export function createStreamGovernor(rules: ResponseRules): StreamGovernor {
  const splitter = createSseSplitter();
  const tally = createDecisionTally();

  const inspectSegment = (segment: string, context: string): SegmentResult => {
    let text = segment;
    for (const rule of rules.text) {
      const result = applyTextRule(rule, 'response', text, context, tally);
      if (result.blocked) return result;
      text = result.text;
    }
    return { text, blocked: null };
  };

  const kit: FormatKit = {
    meter: createTokenMeter(rules.length, tally),
    createSlots: (keepReleased) => createTextSlots(rules.text.length > 0 ? inspectSegment : null, keepReleased),
  };
  let format: StreamFormat | null = null;
  let state: GovernorState = 'open';
  let blocked: PolicyBlock | null = null;

  const moveTo = (next: GovernorState): void => {
    if (!GOVERNOR_TRANSITIONS[state].includes(next)) throw new Error(`stream governor: illegal transition ${state} → ${next}`);
    state = next;
  };

  const endWithBlock = (adapter: StreamFormat, block: PolicyBlock): Buffer[] => {
    moveTo('blocked');
    blocked = block;
    return adapter.endBlocked(block);
  };

  const apply = (adapter: StreamFormat, step: FormatStep): Buffer[] => {
    if (step.kind === 'block') return endWithBlock(adapter, step.block);
    if (step.kind === 'truncate') {
      const end = adapter.endTruncated();
      if (end.kind === 'block') return endWithBlock(adapter, end.block);
      moveTo('truncated');
      return end.frames;
    }
    if (step.done === true) moveTo('done');
    return step.frames;
  };

  const flushAll = (): Buffer[] => (format === null ? [] : apply(format, format.flush()));

  const hasEnded = (): boolean => state === 'blocked' || state === 'truncated';

  const handleEvent = (raw: Buffer): Buffer[] => {
    if (hasEnded()) return [];
    const sse = parseSseEvent(raw);
    if (sse.data === null || state === 'done') return [raw];
    if (sse.data.trim() === '[DONE]') {
      const out = flushAll();
      if (hasEnded()) return out;
      moveTo('done');
      return [...out, raw];
    }
    const json = parseJsonObject(sse.data);
    if (!json) return [raw];
    if (format === null) {
      const kind = detectFormat(json);
      if (kind === null) return [raw];
      format = FORMATS[kind](kit);
    }
    return apply(format, format.handle({ raw, sse, json }));
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
