// The contract between the policy engine and its callers (the server wires these into HTTP).
// Everything here is framework-free: plain values in, plain values and Buffers out.
import type { PolicyAction, PolicyDirection, PolicyRule } from '../config/types.js';

export type RuleType = PolicyRule['type'];

/** What one rule did to one request or response. Counts only: never the matched values. */
export interface Decision {
  readonly policyId: string;
  readonly ruleIndex: number;
  readonly ruleType: RuleType;
  /** The action actually taken (e.g. a topic_block rule configured as "redact" blocks). */
  readonly action: PolicyAction;
  readonly direction: PolicyDirection;
  readonly matches: number;
  /** Counts per PII pattern, content category, topic or injection signal. */
  readonly byPattern?: Readonly<Record<string, number>>;
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

export interface PolicyEngine {
  inspectRequest(input: RequestInput): RequestVerdict;
  /** True when a response rule applies, so a non-streaming body must be buffered and inspected. */
  needsResponseInspection(ctx: ModelContext): boolean;
  inspectResponseJson(ctx: ModelContext, body: unknown): ResponseVerdict;
  /** null when no response rule applies: pipe the upstream bytes untouched. */
  createStreamGovernor(ctx: ModelContext): StreamGovernor | null;
}
