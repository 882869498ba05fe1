// The normalized, fully-typed configuration every other layer reads. Produced once by the
// loader from YAML (validated against config-schema.json); nothing in it is optional.
// Durations are milliseconds here even where YAML speaks seconds.
import type { LogTimeFormat } from '../shared/log-time-format.js';
import type { MatrixConfig } from './matrix/matrix-types.js';

export type { LogTimeFormat, MatrixConfig };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogToStdout = 'proxy' | 'upstream' | 'both' | 'none';
/** auto: pretty when stdout is a terminal, else json. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Literal placeholders kept in cmd/proxy/checkEndpoint until a start allocates a port / pid. */
export const PORT_PLACEHOLDER = '${PORT}';
export const PID_PLACEHOLDER = '${PID}';

export interface Filters {
  /** Top-level (or dotted-path) request fields removed before forwarding; never "model". */
  readonly stripParams: readonly string[];
  /** Fields set on every request; keys may be dotted paths ("a.b"). */
  readonly setParams: Readonly<Record<string, unknown>>;
  /** Requested id → fields set when the request used that id. Each key is also an alias. */
  readonly setParamsByID: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface ModelConfig {
  readonly id: string;
  /** argv (already shell-word split); may contain ${PORT}. */
  readonly cmd: readonly string[];
  /** argv or null; may contain ${PID} and ${PORT}. */
  readonly cmdStop: readonly string[] | null;
  /** Base URL; may contain ${PORT}. */
  readonly proxy: string;
  /** Path polled for readiness, or null for "none" (ready at spawn). May contain ${PORT}. */
  readonly checkEndpoint: string | null;
  /** True when cmd contains ${PORT}: a free port must be allocated at each start. */
  readonly usesPort: boolean;
  /** 0 = never unload. Resolved from ttl, else globalTTL. */
  readonly ttlMs: number;
  readonly unloadTimeoutMs: number;
  readonly healthCheckTimeoutMs: number;
  /** Extra environment for the child, on top of the daemon's. */
  readonly env: Readonly<Record<string, string>>;
  readonly name: string | null;
  readonly description: string | null;
  /** Declared aliases plus setParamsByID keys (other than the id itself). */
  readonly aliases: readonly string[];
  /** Replaces "model" in the body sent upstream, or null to keep the requested id. */
  readonly useModelName: string | null;
  readonly unlisted: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** 0 in YAML becomes 10. */
  readonly concurrencyLimit: number;
  /** Resolved against the global flag. */
  readonly sendLoadingState: boolean;
  readonly filters: Filters;
  /** The id of the group this model belongs to (the implicit one when in none); null under the matrix router. */
  readonly groupId: string | null;
}

export const IMPLICIT_GROUP_ID = '(default)';

export interface GroupConfig {
  readonly id: string;
  /** true: only one member runs at a time. */
  readonly swap: boolean;
  /** true: starting a member stops the other non-persistent groups. */
  readonly exclusive: boolean;
  /** true: never stopped by another group's exclusivity. */
  readonly persistent: boolean;
  readonly members: readonly string[];
  /** True for the group of models declared in no group. */
  readonly implicit: boolean;
}

/** What decides which running models a start stops: groups (the default) or the matrix. */
export type RouterConfig = { readonly use: 'group' } | { readonly use: 'matrix'; readonly matrix: MatrixConfig };

export interface RoutingConfig {
  readonly router: RouterConfig;
  /** routing.scheduler.settings.fifo.priority by model id (aliases resolved); unlisted: 0. Higher queues first. */
  readonly fifoPriority: Readonly<Record<string, number>>;
}

export interface PeerConfig {
  readonly id: string;
  /** Base URL of the peer (no trailing slash). */
  readonly proxy: string;
  readonly models: readonly string[];
  readonly apiKey: string | null;
  readonly filters: Filters;
}

export interface ApiKeyConfig {
  readonly key: string;
  /** Shown in logs and audit records instead of the key. */
  readonly name: string;
  /** null = every model. Entries may be ids, aliases or globs. */
  readonly models: readonly string[] | null;
  /** null = the rateLimits default. */
  readonly requestsPerMinute: number | null;
  readonly admin: boolean;
}

export type PolicyAction = 'redact' | 'block' | 'monitor' | 'truncate';
export type PolicyDirection = 'request' | 'response';
export type PiiPattern = 'email' | 'ssn' | 'credit_card' | 'phone' | 'ipv4' | 'iban' | 'api_key';

interface RuleBase {
  readonly action: PolicyAction;
  readonly appliesTo: readonly PolicyDirection[];
}

export interface PiiRule extends RuleBase {
  readonly type: 'pii_detection';
  readonly patterns: readonly PiiPattern[];
}

export interface ContentFilterRule extends RuleBase {
  readonly type: 'content_filter';
  readonly categories: readonly string[];
  /** Plain words, or /regex/flags strings. */
  readonly terms: readonly string[];
}

export interface TopicBlockRule extends RuleBase {
  readonly type: 'topic_block';
  readonly topics: readonly string[];
}

export interface PromptInjectionRule extends RuleBase {
  readonly type: 'prompt_injection';
}

export interface ResponseLengthRule extends RuleBase {
  readonly type: 'response_length';
  readonly maxTokens: number;
}

export type PolicyRule = PiiRule | ContentFilterRule | TopicBlockRule | PromptInjectionRule | ResponseLengthRule;

export interface PolicyConfig {
  readonly id: string;
  readonly description: string | null;
  /** ids, aliases or globs; ["*"] by default. */
  readonly models: readonly string[];
  readonly rules: readonly PolicyRule[];
}

export interface AuditConfig {
  readonly path: string;
  readonly immutable: boolean;
  /** 0 = keep forever. */
  readonly retentionDays: number;
  readonly logAllAccess: boolean;
  /**
   * 0: group commit, one write per event-loop turn, and callers wait for it; above 0: a batching
   * window (records wait up to this long, nobody waits for them).
   */
  readonly flushIntervalMs: number;
  /** fdatasync once per written group (power-loss durability). */
  readonly fsync: boolean;
}

export interface RateLimitConfig {
  /** null = no default limit. */
  readonly defaultRequestsPerMinute: number | null;
}

export interface CacheConfig {
  readonly enabled: boolean;
  readonly ttlMs: number;
  readonly maxEntries: number;
}

export interface Config {
  /** Absolute path of the YAML file, or "<embedded demo>". */
  readonly sourcePath: string;
  /** Unix seconds at load time: the stable "created" of /v1/models entries. */
  readonly loadedAtSec: number;
  readonly healthCheckTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly logToStdout: LogToStdout;
  readonly logFormat: LogFormat;
  /** Timestamp of human log lines ('none': llama-swap's ""). */
  readonly logTimeFormat: LogTimeFormat;
  readonly startPort: number;
  readonly includeAliasesInList: boolean;
  /** Models in declaration order. */
  readonly models: readonly ModelConfig[];
  /** Explicit groups plus the implicit one (when any model is in no group); none under the matrix router. */
  readonly groups: readonly GroupConfig[];
  readonly routing: RoutingConfig;
  readonly peers: readonly PeerConfig[];
  readonly preload: readonly string[];
  readonly apiKeys: readonly ApiKeyConfig[];
  readonly corsOrigins: readonly string[];
  readonly maxRequestBodyBytes: number;
  /** A proxied request body must have arrived within this (408 otherwise); 0 = no deadline. */
  readonly requestBodyTimeoutMs: number;
  /** A client that accepts no bytes of its response for this long is cut off; 0 = never. */
  readonly clientStallTimeoutMs: number;
  /** Finished requests the activity store keeps (metricsMaxInMemory). */
  readonly metricsMaxInMemory: number;
  readonly policies: readonly PolicyConfig[];
  readonly audit: AuditConfig | null;
  readonly rateLimits: RateLimitConfig;
  readonly cache: CacheConfig;
}
