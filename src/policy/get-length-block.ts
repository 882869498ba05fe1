// The block a response_length rule with action "block" reports. One wording for JSON answers
// (inspect-response-json.ts) and streams (src/governor), so clients see the same message.
import type { CompiledLengthRule } from './compile-rule.js';
import type { PolicyBlock } from './types.js';

export function getLengthBlock(rule: CompiledLengthRule): PolicyBlock {
  return {
    policyId: rule.policyId,
    ruleType: 'response_length',
    direction: 'response',
    message: `response blocked by policy "${rule.policyId}": the response exceeds ${rule.maxTokens} tokens`,
  };
}
