// policies → PolicyConfig list: rule defaults per type, unique ids, regex terms that compile.
import type { KeyPath } from './config-issue.js';
import type { IssueCollector } from './issue-collector.js';
import type { RawPolicy, RawRule } from './raw-config.js';
import type { PiiPattern, PolicyAction, PolicyConfig, PolicyDirection, PolicyRule } from './types.js';

export const ALL_PII_PATTERNS: readonly PiiPattern[] = ['email', 'ssn', 'credit_card', 'phone', 'ipv4', 'iban', 'api_key'];
const BOTH: readonly PolicyDirection[] = ['request', 'response'];
const ACTIONS: readonly PolicyAction[] = ['redact', 'block', 'monitor', 'truncate'];

export function normalizePolicies(raw: readonly RawPolicy[] | undefined, issues: IssueCollector): PolicyConfig[] {
  const policies: PolicyConfig[] = [];
  const firstIndex = new Map<string, number>();
  (raw ?? []).forEach((policy, i) => {
    if (policy.id === undefined) return; // reported by the schema check
    const previous = firstIndex.get(policy.id);
    if (previous !== undefined) issues.error(['policies', i, 'id'], `duplicate policy id "${policy.id}" (also policies[${previous}])`);
    else firstIndex.set(policy.id, i);
    const rules = (policy.rules ?? []).flatMap((rule, k) => normalizeRule(rule, ['policies', i, 'rules', k], issues) ?? []);
    policies.push({ id: policy.id, description: policy.description ?? null, models: policy.models ?? ['*'], rules });
  });
  return policies;
}

function normalizeRule(rule: RawRule, path: KeyPath, issues: IssueCollector): PolicyRule | null {
  const appliesTo = (fallback: readonly PolicyDirection[]): PolicyDirection[] =>
    rule.applies_to === undefined ? [...fallback] : BOTH.filter((direction) => rule.applies_to?.includes(direction));
  switch (rule.type) {
    case 'pii_detection':
      return {
        type: rule.type,
        action: pickAction(rule.action, 'redact'),
        appliesTo: appliesTo(BOTH),
        patterns: rule.patterns === undefined ? [...ALL_PII_PATTERNS] : ALL_PII_PATTERNS.filter((p) => rule.patterns?.includes(p)),
      };
    case 'content_filter':
      return {
        type: rule.type,
        action: pickAction(rule.action, 'block'),
        appliesTo: appliesTo(BOTH),
        categories: rule.categories ?? [],
        terms: checkTerms(rule.terms ?? [], [...path, 'terms'], issues),
      };
    case 'topic_block':
      return { type: rule.type, action: pickAction(rule.action, 'block'), appliesTo: appliesTo(BOTH), topics: rule.topics ?? [] };
    case 'prompt_injection':
      return { type: rule.type, action: pickAction(rule.action, 'block'), appliesTo: appliesTo(['request']) };
    case 'response_length':
      return { type: rule.type, action: pickAction(rule.action, 'truncate'), appliesTo: ['response'], maxTokens: rule.max_tokens ?? 0 };
    default:
      return null; // no or unknown type: reported by the schema check
  }
}

// The schema already limited the action to the ones this rule type allows.
function pickAction(action: string | undefined, fallback: PolicyAction): PolicyAction {
  return ACTIONS.find((known) => known === action) ?? fallback;
}

/** `/regex/flags` terms must compile now, not on the first request. */
function checkTerms(terms: readonly string[], path: KeyPath, issues: IssueCollector): string[] {
  terms.forEach((term, i) => {
    const match = /^\/(.*)\/([a-z]*)$/s.exec(term);
    if (match === null) return;
    try {
      new RegExp(match[1] ?? '', match[2]);
    } catch (error) {
      issues.error([...path, i], `invalid regular expression: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return [...terms];
}
