// Non-streaming response policy: text rules over the answer texts, then response_length
// (estimated as chars/4) truncates the text and sets finish_reason "length". The logprobs of a
// changed text are dropped (see get-logprobs-edits.ts), and a Responses `output_text` is joined
// again from the governed parts.
import type { CompiledLengthRule, CompiledTextRule } from './compile-rule.js';
import { createDecisionTally } from './decision-tally.js';
import { applyJsonEdits, extractResponseTexts, getOutputText, isRecord, replaceSlotTexts, type JsonEdit } from './extract-texts.js';
import { getLengthBlock } from './get-length-block.js';
import { getLogprobsEdits } from './get-logprobs-edits.js';
import { applyTextRule } from './inspect-text.js';
import type { ResponseVerdict } from './types.js';

const CHARS_PER_TOKEN = 4;

export function inspectResponseBody(
  body: unknown,
  textRules: readonly CompiledTextRule[],
  lengthRules: readonly CompiledLengthRule[],
): ResponseVerdict {
  const tally = createDecisionTally();
  const slots = extractResponseTexts(body);
  const texts = slots.map((s) => s.text);
  for (const rule of textRules) {
    for (const i of texts.keys()) {
      const result = applyTextRule(rule, 'response', texts[i] ?? '', '', tally);
      if (result.blocked) return { blocked: result.blocked, body, decisions: tally.list() };
      texts[i] = result.text;
    }
  }
  const finishEdits: JsonEdit[] = [];
  for (const rule of [...lengthRules].sort((a, b) => a.maxTokens - b.maxTokens)) {
    const maxChars = rule.maxTokens * CHARS_PER_TOKEN;
    const long = [...texts.keys()].filter((i) => (texts[i] ?? '').length > maxChars);
    if (long.length === 0) continue;
    tally.add(rule, rule.action, 'response', []);
    if (rule.action === 'block') return { blocked: getLengthBlock(rule), body, decisions: tally.list() };
    if (rule.action === 'monitor') continue;
    for (const i of long) {
      texts[i] = (texts[i] ?? '').slice(0, maxChars);
      const choice = slots[i]?.choice;
      if (choice !== null && choice !== undefined) finishEdits.push({ path: ['choices', choice, 'finish_reason'], value: 'length' });
    }
  }
  const redacted = replaceSlotTexts(body, slots, texts);
  const edits = [...finishEdits, ...getLogprobsEdits(body, slots, texts)];
  if (redacted !== body && isRecord(redacted) && typeof redacted.output_text === 'string' && Array.isArray(redacted.output)) {
    edits.push({ path: ['output_text'], value: getOutputText(redacted.output) });
  }
  return { blocked: null, body: edits.length > 0 ? applyJsonEdits(redacted, edits) : redacted, decisions: tally.list() };
}
