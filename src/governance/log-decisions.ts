// One log line per inspection that did something (monitor included): rule ids and counts only,
// never the matched text.
import type { Decision, PolicyBlock } from '../policy/types.js';
import type { Logger } from '../shared/logger.js';

export interface DecisionLogContext {
  readonly reqId: string;
  readonly model: string;
}

export function logDecisions(logger: Logger, at: DecisionLogContext, decisions: readonly Decision[], blocked: PolicyBlock | null): void {
  if (decisions.length === 0 || !logger.isLevelEnabled(blocked === null ? 'info' : 'warn')) return;
  const policy = decisions.map((d) => ({
    policy_id: d.policyId,
    rule_type: d.ruleType,
    action: d.action,
    direction: d.direction,
    matches: d.matches,
    ...(d.byPattern ? { by_pattern: d.byPattern } : {}),
  }));
  if (blocked === null) logger.info({ reqId: at.reqId, model: at.model, policy }, 'policy applied');
  else logger.warn({ reqId: at.reqId, model: at.model, policy, policy_id: blocked.policyId, rule_type: blocked.ruleType }, `${blocked.direction} blocked by policy`);
}
