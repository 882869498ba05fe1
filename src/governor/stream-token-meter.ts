// Counts generated tokens in a stream for response_length: the upstream's own count (usage)
// when an event carries it, else an estimate. Upstreams stream about one token per event, so a
// short piece counts 1 and a long one ~chars/4 (a single token is rarely over 12 characters).
import type { CompiledLengthRule } from '../policy/compile-rule.js';
import type { DecisionTally } from '../policy/decision-tally.js';
import { getLengthBlock } from '../policy/get-length-block.js';
import type { PolicyBlock } from '../policy/types.js';

export type MeterVerdict = 'truncate' | 'block' | null;

export interface TokenMeter {
  /** False when no length rule applies: callers may skip counting. */
  readonly active: boolean;
  /**
   * Counts one event: the characters it adds per answer (choice) index, and the upstream's
   * output token count when it reports one. "truncate" or "block" when the answer passes an
   * enforced limit.
   */
  measure(charsByIndex: ReadonlyMap<number, number>, usageTokens: number | null): MeterVerdict;
  /** measure() for an event adding `chars` to answer 0 only (Anthropic, Responses): no Map. */
  measureOne(chars: number, usageTokens: number | null): MeterVerdict;
  describeBlock(): PolicyBlock;
}

export function estimateChunkTokens(chars: number): number {
  if (chars === 0) return 0;
  return chars <= 12 ? 1 : Math.ceil(chars / 4);
}

export function createTokenMeter(rules: readonly CompiledLengthRule[], tally: DecisionTally): TokenMeter {
  const sorted = [...rules].sort((a, b) => a.maxTokens - b.maxTokens);
  const estimates = new Map<number, number>();
  const reported = new Set<CompiledLengthRule>();
  let usageTokens: number | null = null;
  let tripped: CompiledLengthRule | null = null;

  // Estimates only grow, so the longest is kept as they do.
  let longest = 0;

  const addChars = (index: number, chars: number): void => {
    if (!(chars > 0)) return;
    const estimate = (estimates.get(index) ?? 0) + estimateChunkTokens(chars);
    estimates.set(index, estimate);
    if (estimate > longest) longest = estimate;
  };

  const judge = (usage: number | null): MeterVerdict => {
    if (usage !== null) usageTokens = usage;
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
  };

  return {
    active: sorted.length > 0,
    measure(charsByIndex, usage) {
      if (sorted.length === 0) return null;
      for (const [index, chars] of charsByIndex) addChars(index, chars);
      return judge(usage);
    },
    measureOne(chars, usage) {
      if (sorted.length === 0) return null;
      addChars(0, chars);
      return judge(usage);
    },
    describeBlock() {
      if (!tripped) throw new Error('describeBlock called before a length rule tripped');
      return getLengthBlock(tripped);
    },
  };
}
