// Accumulates decisions per rule and direction across texts, chunks and slots.
import type { PolicyAction, PolicyDirection } from '../config/types.js';
import type { Decision, RuleType } from './types.js';

interface RuleRef {
  readonly policyId: string;
  readonly ruleIndex: number;
  readonly ruleType: RuleType;
}

export interface DecisionTally {
  /** One match per label; `labels` empty with byPattern false counts a single match. */
  add(rule: RuleRef, action: PolicyAction, direction: PolicyDirection, labels: readonly string[]): void;
  list(): Decision[];
}

interface Entry {
  readonly rule: RuleRef;
  action: PolicyAction;
  readonly direction: PolicyDirection;
  matches: number;
  readonly byPattern: Map<string, number>;
}

// A block outranks a redaction, which outranks anything that only observed.
const ACTION_RANK: Readonly<Record<PolicyAction, number>> = { monitor: 0, truncate: 1, redact: 2, block: 3 };

export function createDecisionTally(): DecisionTally {
  const entries = new Map<string, Entry>();
  return {
    add(rule, action, direction, labels) {
      const key = `${rule.policyId}\u0000${rule.ruleIndex}\u0000${direction}`;
      let entry = entries.get(key);
      if (!entry) {
        entry = { rule, action, direction, matches: 0, byPattern: new Map() };
        entries.set(key, entry);
      }
      if (ACTION_RANK[action] > ACTION_RANK[entry.action]) entry.action = action;
      entry.matches += Math.max(1, labels.length);
      for (const label of labels) entry.byPattern.set(label, (entry.byPattern.get(label) ?? 0) + 1);
    },
    list() {
      return [...entries.values()].map((e) => ({
        policyId: e.rule.policyId,
        ruleIndex: e.rule.ruleIndex,
        ruleType: e.rule.ruleType,
        action: e.action,
        direction: e.direction,
        matches: e.matches,
        ...(e.byPattern.size > 0 ? { byPattern: Object.fromEntries(e.byPattern) } : {}),
      }));
    },
  };
}
