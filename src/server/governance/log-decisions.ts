// One log line per inspection that did something (monitor included): rule ids and counts only,
// never the matched text.
import type { Decision, PolicyBlock } from '../../policy/types.js';
import type { Logger } from '../../shared/logger.js';
import type { RequestState } from '../app-env.js';

/** `logger` is the root logger: its level is checked before the request's child logger is made. */
export function logDecisions(logger: Logger, state: RequestState, decisions: readonly Decision[], blocked: PolicyBlock | null): void {
  if (decisions.length === 0 || !logger.isLevelEnabled(blocked === null ? 'info' : 'warn')) return;
  const policy = decisions.map((d) => ({
    policy_id: d.policyId,
    rule_type: d.ruleType,
    action: d.action,
    direction: d.direction,
    matches: d.matches,
    ...(d.byPattern ? { by_pattern: d.byPattern } : {}),
  }));
  if (blocked === null) state.log.info({ model: state.model, policy }, 'policy applied');
  else state.log.warn({ model: state.model, policy, policy_id: blocked.policyId, rule_type: blocked.ruleType }, `${blocked.direction} blocked by policy`);
}
