// Compiles one configured rule into a matcher with a uniform shape: find(text, from) returns
// hits ending after `from` (`from` > 0 when the text starts with already-released context).
import type { PolicyDirection, PolicyRule } from '../config/types.js';
import { compileContentMatchers, configError, type TermMatcher } from './compile-terms.js';
import { compileTopicMatchers, findTopics } from './detect-topics.js';
import { findPii } from './pii-detectors.js';
import { findMatches } from './find-matches.js';
import { memoizeFind } from './memoize-find.js';
import { detectPromptInjection } from './score-prompt-injection.js';
import type { RuleType } from './types.js';

export interface TextHit {
  readonly start: number;
  readonly end: number;
  /** PII pattern, content category ("custom" for own terms), topic or injection signal. */
  readonly label: string;
}

export type TextRuleAction = 'redact' | 'block' | 'monitor';

interface RuleIdentity {
  readonly policyId: string;
  readonly ruleIndex: number;
}

export interface CompiledTextRule extends RuleIdentity {
  readonly kind: 'text';
  readonly ruleType: Exclude<RuleType, 'response_length'>;
  readonly action: TextRuleAction;
  readonly directions: readonly PolicyDirection[];
  /** Prompt injection judges what users and tools send, not the operator's system prompt. */
  readonly skipsSystemText: boolean;
  find(text: string, from: number): readonly TextHit[];
}

export interface CompiledLengthRule extends RuleIdentity {
  readonly kind: 'length';
  readonly ruleType: 'response_length';
  readonly action: 'truncate' | 'block' | 'monitor';
  readonly maxTokens: number;
}

export type CompiledRule = CompiledTextRule | CompiledLengthRule;

function findTermHits(matchers: readonly TermMatcher[], text: string, from: number): TextHit[] {
  const hits: TextHit[] = [];
  for (const m of matchers) {
    for (const hit of findMatches(m.regex, text)) {
      const end = hit.index + hit[0].length;
      if (hit[0].length > 0 && end > from) hits.push({ start: hit.index, end, label: m.label });
    }
  }
  return hits;
}

/** Rules that cannot rewrite text (topics, injection) block when configured to redact. */
function getTextAction(rule: PolicyRule, canRedact: boolean): TextRuleAction {
  if (rule.action === 'monitor' || rule.action === 'block') return rule.action;
  return canRedact ? 'redact' : 'block';
}

export function compileRule(policyId: string, ruleIndex: number, rule: PolicyRule): CompiledRule {
  const where = `policies[${JSON.stringify(policyId)}].rules[${ruleIndex}]`;
  const base = { kind: 'text' as const, policyId, ruleIndex, directions: rule.appliesTo, skipsSystemText: false };
  switch (rule.type) {
    case 'pii_detection': {
      const patterns = rule.patterns;
      return {
        ...base,
        ruleType: rule.type,
        action: getTextAction(rule, true),
        find: memoizeFind((text, from) => findPii(text, patterns).filter((m) => m.end > from).map((m) => ({ start: m.start, end: m.end, label: m.pattern }))),
      };
    }
    case 'content_filter': {
      const matchers = compileContentMatchers(where, rule);
      return {
        ...base,
        ruleType: rule.type,
        action: getTextAction(rule, true),
        find: memoizeFind((text, from) => findTermHits(matchers, text, from)),
      };
    }
    case 'topic_block': {
      const matchers = compileTopicMatchers(where, rule);
      return {
        ...base,
        ruleType: rule.type,
        action: getTextAction(rule, false),
        find: memoizeFind((text, from) => findTopics(text, matchers, from).map((h) => ({ start: h.start, end: h.end, label: h.topic }))),
      };
    }
    case 'prompt_injection':
      return {
        ...base,
        ruleType: rule.type,
        action: getTextAction(rule, false),
        skipsSystemText: true,
        find: memoizeFind((text, from) => detectPromptInjection(text, from).map((s) => ({ start: s.start, end: s.end, label: s.name }))),
      };
    case 'response_length': {
      if (!Number.isInteger(rule.maxTokens) || rule.maxTokens <= 0) {
        throw configError(`${where}.maxTokens: expected a positive integer, got ${JSON.stringify(rule.maxTokens)}`);
      }
      const action = rule.action === 'monitor' || rule.action === 'block' ? rule.action : 'truncate';
      return { kind: 'length', policyId, ruleIndex, ruleType: rule.type, action, maxTokens: rule.maxTokens };
    }
  }
}
