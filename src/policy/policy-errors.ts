// SwapgateErrors for the server to throw; its onError renders them as OpenAI-shaped bodies.
import { SwapgateError } from '../shared/errors.js';
import type { PolicyBlock } from './types.js';

/** 400 {error:{type:"policy_violation", code:"policy_violation", message, policy_id, rule_type}}. */
export function createPolicyViolationError(block: PolicyBlock): SwapgateError {
  return new SwapgateError('policy_violation', block.message, {
    status: 400,
    type: 'policy_violation',
    details: { policy_id: block.policyId, rule_type: block.ruleType },
  });
}
