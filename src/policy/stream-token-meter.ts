// Counts generated tokens in a stream for response_length: the upstream's usage.completion_tokens
// when a chunk carries it, else an estimate. Upstreams stream about one token per chunk, so a
// short chunk counts 1 and a long one ~chars/4 (a single token is rarely over 12 characters).
import type { CompiledLengthRule } from './compile-rule.js';
import type { DecisionTally } from './decision-tally.js';
import { isRecord } from './extract-texts.js';
import type { PolicyBlock } from './types.js';

export interface TokenMeter {
  /** Counts one chunk; "truncate" or "block" when it pushes the answer past an enforced limit. */
  measure(chunk: Record<string, unknown>, choices: readonly Record<string, unknown>[], fields: readonly string[]): 'truncate' | 'block' | null;
  describeBlock(): PolicyBlock;
}

export function estimateChunkTokens(chars: number): number {
  if (chars === 0) return 0;
  return chars <= 12 ? 1 : Math.ceil(chars / 4);
}

export function getLengthBlock(rule: CompiledLengthRule): PolicyBlock {
  return {
    policyId: rule.policyId,
    ruleType: 'response_length',
    direction: 'response',
    message: `response blocked by policy "${rule.policyId}": the response exceeds ${rule.maxTokens} tokens`,
  };
}

export function createTokenMeter(rules: readonly CompiledLengthRule[], tally: DecisionTally): TokenMeter {
  const sorted = [...rules].sort((a, b) => a.maxTokens - b.maxTokens);
  const estimates = new Map<number, number>();
  const reported = new Set<CompiledLengthRule>();
  let usageTokens: number | null = null;
  let tripped: CompiledLengthRule | null = null;

  return {
    measure(chunk, choices, fields) {
      if (sorted.length === 0) return null;
      choices.forEach((choice, position) => {
        const index = typeof choice.index === 'number' ? choice.index : position;
        const holder = isRecord(choice.delta) ? choice.delta : choice;
        const chars = fields.reduce((sum, f) => sum + (typeof holder[f] === 'string' ? (holder[f] as string).length : 0), 0);
        if (chars > 0) estimates.set(index, (estimates.get(index) ?? 0) + estimateChunkTokens(chars));
      });
      if (isRecord(chunk.usage) && typeof chunk.usage.completion_tokens === 'number') usageTokens = chunk.usage.completion_tokens;
      const longest = Math.max(0, ...estimates.values());
      const perChoiceUsage = usageTokens === null ? null : usageTokens / Math.max(1, estimates.size);
      for (const rule of sorted) {
        const exceeded = (perChoiceUsage ?? longest) > rule.maxTokens;
        if (!exceeded || reported.has(rule)) continue;
        reported.add(rule);
        tally.add(rule, rule.action, 'response', []);
        if (rule.action !== 'monitor') {
          tripped = rule;
          return rule.action;
        }
      }
      return null;
    },
    describeBlock() {
      if (!tripped) throw new Error('describeBlock called before a length rule tripped');
      return getLengthBlock(tripped);
    },
  };
}
