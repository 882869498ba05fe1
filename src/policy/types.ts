// The contract between the policy engine and its callers (the server wires these into HTTP).
// Everything here is framework-free: plain values in, plain values and Buffers out. The stream
// governor's contract lives here too, so its callers need not import src/governor for a type;
// src/governor builds it from the rules the engine hands out (selectResponseRules).
import type { PolicyAction, PolicyDirection, PolicyRule } from '../config/types.js';
import type { PolicyDecision } from '../shared/policy-decision.js';
import type { CompiledLengthRule, CompiledTextRule } from './compile-rule.js';

export type RuleType = PolicyRule['type'];

/** What one rule did to one request or response (the recorded shape, with the strings narrowed). */
export interface Decision extends PolicyDecision {
  readonly ruleType: RuleType;
  readonly action: PolicyAction;
  readonly direction: PolicyDirection;
}

/** Why a request or response was refused; the server renders it as a policy_violation error. */
export interface PolicyBlock {
  readonly policyId: string;
  readonly ruleType: RuleType;
  readonly direction: PolicyDirection;
  readonly message: string;
}

/** Which model a request is for: rules are selected by id, aliases or globs. */
export interface ModelContext {
  /** The resolved model id. */
  readonly modelId: string;
  /** The model's aliases (policies may name a model by alias). */
  readonly aliases: readonly string[];
  /** e.g. "/v1/chat/completions"; informational. */
  readonly route: string;
}

export interface RequestInput extends ModelContext {
  /** The parsed JSON request body. */
  readonly body: unknown;
}

export interface RequestVerdict {
  readonly blocked: PolicyBlock | null;
  /** A new object with redactions applied, or the very same object when nothing changed. */
  readonly body: unknown;
  readonly decisions: readonly Decision[];
  /** Set max_tokens to this (see applyMaxTokensClamp) when not null. */
  readonly maxTokensClamp: number | null;
}

export interface ResponseVerdict {
  readonly blocked: PolicyBlock | null;
  /** A new object with redactions/truncation applied, or the same object when unchanged. */
  readonly body: unknown;
  readonly decisions: readonly Decision[];
}

/**
 * open: forwarding; done: upstream sent [DONE]; blocked / truncated: the governor ended the
 * stream itself (the server should stop reading upstream and close the response).
 */
export type GovernorState = 'open' | 'done' | 'blocked' | 'truncated';

/** Every legal transition; anything else is a bug and throws. */
export const GOVERNOR_TRANSITIONS: Readonly<Record<GovernorState, readonly GovernorState[]>> = {
  open: ['done', 'blocked', 'truncated'],
  done: [],
  blocked: [],
  truncated: [],
};

export interface StreamGovernor {
  /** Raw upstream SSE bytes in (split anywhere); bytes to forward right away out. */
  push(chunk: Buffer): Buffer[];
  /** Upstream ended: whatever is still held back. */
  end(): Buffer[];
  decisions(): readonly Decision[];
  readonly state: GovernorState;
  /** Set when state is "blocked". */
  readonly blocked: PolicyBlock | null;
}

/** The response rules that apply to one model: what a stream governor enforces. */
export interface ResponseRules {
  readonly text: readonly CompiledTextRule[];
  /** response_length clamps at request time and is enforced on the answer, whatever appliesTo says. */
  readonly length: readonly CompiledLengthRule[];
}

export interface PolicyEngine {
  inspectRequest(input: RequestInput): RequestVerdict;
  /** True when a response rule applies, so a non-streaming body must be buffered and inspected. */
  needsResponseInspection(ctx: ModelContext): boolean;
  inspectResponseJson(ctx: ModelContext, body: unknown): ResponseVerdict;
  /**
   * null when no response rule applies: pipe the upstream bytes untouched. Streams are governed
   * in src/governor (createStreamGovernorFor), which builds on policy, not the other way round.
   */
  selectResponseRules(ctx: ModelContext): ResponseRules | null;
}
