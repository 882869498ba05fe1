// Applies one text rule to one piece of text (a request slot, a response field, or a stream
// segment that follows already-released `context`). Redaction only touches `text`.
import type { PolicyDirection } from '../config/types.js';
import type { CompiledTextRule, TextHit } from './compile-rule.js';
import type { DecisionTally } from './decision-tally.js';
import type { PolicyBlock } from './types.js';

export interface SegmentResult {
  readonly text: string;
  readonly blocked: PolicyBlock | null;
}

export function redactHits(text: string, hits: readonly TextHit[], offset: number): string {
  const sorted = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let cursor = 0;
  for (const hit of sorted) {
    const start = Math.max(hit.start - offset, cursor);
    const end = Math.min(hit.end - offset, text.length);
    if (end <= start) continue;
    out += `${text.slice(cursor, start)}[REDACTED:${hit.label}]`;
    cursor = end;
  }
  return out + text.slice(cursor);
}

const REASONS: Readonly<Record<CompiledTextRule['ruleType'], string>> = {
  pii_detection: 'contains personal data or secrets',
  content_filter: 'matched the content filter',
  topic_block: 'touches a blocked topic',
  prompt_injection: 'looks like a prompt injection',
};

/** The message names the rule and the labels (pattern/category/topic), never the matched text. */
export function describeBlock(rule: CompiledTextRule, direction: PolicyDirection, labels: readonly string[]): PolicyBlock {
  const what = rule.ruleType === 'prompt_injection' ? '' : ` (${[...new Set(labels)].join(', ')})`;
  return {
    policyId: rule.policyId,
    ruleType: rule.ruleType,
    direction,
    message: `${direction} blocked by policy "${rule.policyId}": the ${direction} ${REASONS[rule.ruleType]}${what}`,
  };
}

export function applyTextRule(
  rule: CompiledTextRule,
  direction: PolicyDirection,
  text: string,
  context: string,
  tally: DecisionTally,
): SegmentResult {
  const hits = rule.find(context + text, context.length);
  if (hits.length === 0) return { text, blocked: null };
  const labels = hits.map((h) => h.label);
  tally.add(rule, rule.action, direction, labels);
  if (rule.action === 'block') return { text, blocked: describeBlock(rule, direction, labels) };
  if (rule.action === 'redact') return { text: redactHits(text, hits, context.length), blocked: null };
  return { text, blocked: null };
}
