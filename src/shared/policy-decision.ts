// What one policy rule did to one request or response, as recorded by the audit log and the
// request log: counts only, never the matched values. The policy layer narrows the strings.
export interface PolicyDecision {
  readonly policyId: string;
  readonly ruleIndex: number;
  readonly ruleType: string;
  /** The action actually taken (e.g. a topic_block rule configured as "redact" blocks). */
  readonly action: string;
  readonly direction: string;
  readonly matches: number;
  /** Counts per PII pattern, content category, topic or injection signal. */
  readonly byPattern?: Readonly<Record<string, number>>;
}
