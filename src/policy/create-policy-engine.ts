// The policy engine: compiles every policy once (a bad regex or unknown category throws at
// boot, naming the policy and rule), picks the rules for a model, and inspects requests and
// JSON responses. For SSE streams it hands out the response rules; src/governor builds the
// stream governor from them, so policy never depends on the governor. Framework-free; the
// server adapts it to HTTP.
import type { PolicyConfig } from '../config/types.js';
import { compileRule, type CompiledLengthRule, type CompiledRule, type CompiledTextRule } from './compile-rule.js';
import { inspectRequestBody } from './inspect-request.js';
import { inspectResponseBody } from './inspect-response-json.js';
import { compileModelMatcher, type ModelMatcher } from './match-model-globs.js';
import type { ModelContext, PolicyEngine } from './types.js';

export interface PolicyEngineConfig {
  readonly policies: readonly PolicyConfig[];
}

interface CompiledPolicy {
  readonly matches: ModelMatcher;
  readonly rules: readonly CompiledRule[];
}

interface RuleSet {
  readonly requestText: readonly CompiledTextRule[];
  readonly responseText: readonly CompiledTextRule[];
  /** response_length clamps at request time and is enforced on the answer, whatever appliesTo says. */
  readonly length: readonly CompiledLengthRule[];
}

const MAX_CACHED_RULE_SETS = 1_000;

export function createPolicyEngine(config: PolicyEngineConfig): PolicyEngine {
  const policies: CompiledPolicy[] = config.policies.map((policy) => ({
    matches: compileModelMatcher(policy.models),
    rules: policy.rules.map((rule, index) => compileRule(policy.id, index, rule)),
  }));
  const ruleSets = new Map<string, RuleSet>();

  const selectRules = (ctx: ModelContext): RuleSet => {
    const key = ctx.aliases.length === 0 ? ctx.modelId : [ctx.modelId, ...ctx.aliases].join('\u0000');
    const cached = ruleSets.get(key);
    if (cached) return cached;
    const rules = policies.filter((p) => p.matches(ctx.modelId, ctx.aliases)).flatMap((p) => p.rules);
    const text = rules.filter((r): r is CompiledTextRule => r.kind === 'text');
    const set: RuleSet = {
      requestText: text.filter((r) => r.directions.includes('request')),
      responseText: text.filter((r) => r.directions.includes('response')),
      length: rules.filter((r): r is CompiledLengthRule => r.kind === 'length'),
    };
    if (ruleSets.size >= MAX_CACHED_RULE_SETS) ruleSets.clear();
    ruleSets.set(key, set);
    return set;
  };

  const hasResponseRules = (set: RuleSet): boolean => set.responseText.length > 0 || set.length.length > 0;

  return {
    inspectRequest(input) {
      const set = selectRules(input);
      if (set.requestText.length === 0 && set.length.length === 0) {
        return { blocked: null, body: input.body, decisions: [], maxTokensClamp: null };
      }
      return inspectRequestBody(input.body, set.requestText, set.length);
    },
    needsResponseInspection: (ctx) => hasResponseRules(selectRules(ctx)),
    inspectResponseJson(ctx, body) {
      const set = selectRules(ctx);
      if (!hasResponseRules(set)) return { blocked: null, body, decisions: [] };
      return inspectResponseBody(body, set.responseText, set.length);
    },
    selectResponseRules(ctx) {
      const set = selectRules(ctx);
      return hasResponseRules(set) ? { text: set.responseText, length: set.length } : null;
    },
  };
}
