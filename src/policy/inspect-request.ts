// Request-side policy: text rules over every text slot, in policy then rule order (a rule
// sees the previous rules' redactions; the first block wins), then response_length clamps.
import type { CompiledLengthRule, CompiledTextRule } from './compile-rule.js';
import { createDecisionTally } from './decision-tally.js';
import { extractRequestTexts, isRecord, isSystemSlot, replaceSlotTexts } from './extract-texts.js';
import { applyTextRule } from './inspect-text.js';
import type { PolicyBlock, RequestVerdict } from './types.js';

const MAX_TOKEN_FIELDS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens', 'n_predict'] as const;

/** The smallest positive max-tokens field the client set, or null when none. */
export function getRequestedMaxTokens(body: unknown): number | null {
  if (!isRecord(body)) return null;
  const values = MAX_TOKEN_FIELDS.map((f) => body[f]).filter((v): v is number => typeof v === 'number' && v > 0);
  return values.length > 0 ? Math.min(...values) : null;
}

/**
 * Sets the clamp on the body the server forwards: on each max-tokens field the client used,
 * or on max_tokens when it used none. Returns a new object.
 */
export function applyMaxTokensClamp(body: unknown, clamp: number): unknown {
  if (!isRecord(body)) return body;
  const present = MAX_TOKEN_FIELDS.filter((f) => typeof body[f] === 'number');
  const fields = present.length > 0 ? present : ['max_tokens'];
  return { ...body, ...Object.fromEntries(fields.map((f) => [f, clamp])) };
}

export function inspectRequestBody(
  body: unknown,
  textRules: readonly CompiledTextRule[],
  lengthRules: readonly CompiledLengthRule[],
): RequestVerdict {
  const tally = createDecisionTally();
  const slots = textRules.length > 0 ? extractRequestTexts(body) : [];
  const texts = slots.map((s) => s.text);
  for (const rule of textRules) {
    for (const [i, slot] of slots.entries()) {
      if (rule.skipsSystemText && isSystemSlot(slot)) continue;
      const result = applyTextRule(rule, 'request', texts[i] ?? '', '', tally);
      if (result.blocked) return { blocked: result.blocked, body, decisions: tally.list(), maxTokensClamp: null };
      texts[i] = result.text;
    }
  }
  const requested = getRequestedMaxTokens(body);
  let clamp: number | null = null;
  for (const rule of lengthRules) {
    if (requested !== null && requested <= rule.maxTokens) continue;
    if (rule.action === 'block' && requested !== null) {
      tally.add(rule, 'block', 'request', []);
      const blocked: PolicyBlock = {
        policyId: rule.policyId,
        ruleType: 'response_length',
        direction: 'request',
        message: `request blocked by policy "${rule.policyId}": max_tokens ${requested} exceeds the limit of ${rule.maxTokens}`,
      };
      return { blocked, body, decisions: tally.list(), maxTokensClamp: null };
    }
    tally.add(rule, rule.action === 'monitor' ? 'monitor' : 'truncate', 'request', []);
    if (rule.action !== 'monitor') clamp = Math.min(clamp ?? rule.maxTokens, rule.maxTokens);
  }
  return { blocked: null, body: replaceSlotTexts(body, slots, texts), decisions: tally.list(), maxTokensClamp: clamp };
}
