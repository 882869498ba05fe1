// The YAML shape after schema validation: every key optional (defaults are applied later) and
// values of the wrong type already removed, so these types hold.

export type MacroValue = string | number | boolean;
export type RawMap = Record<string, unknown>;

export interface RawFilters {
  readonly stripParams?: string;
  readonly strip_params?: string;
  readonly setParams?: RawMap;
  readonly setParamsByID?: Record<string, RawMap>;
}

export type RawAlias = string | { readonly id?: string };

export interface RawModel {
  readonly cmd?: string;
  readonly cmdStop?: string;
  readonly proxy?: string;
  readonly checkEndpoint?: string;
  readonly ttl?: number;
  readonly unloadTimeout?: number;
  readonly healthCheckTimeout?: number;
  readonly env?: readonly string[];
  readonly name?: string;
  readonly description?: string;
  readonly aliases?: readonly RawAlias[];
  readonly useModelName?: string;
  readonly unlisted?: boolean;
  readonly metadata?: RawMap;
  readonly macros?: Record<string, MacroValue>;
  readonly concurrencyLimit?: number;
  readonly sendLoadingState?: boolean;
  readonly filters?: RawFilters;
}

export interface RawGroup {
  readonly swap?: boolean;
  readonly exclusive?: boolean;
  readonly persistent?: boolean;
  readonly members?: readonly string[];
}

export interface RawMatrix {
  readonly vars?: Record<string, string>;
  readonly evict_costs?: Record<string, number>;
  readonly sets?: Record<string, string>;
}

export interface RawRouting {
  readonly router?: {
    readonly use?: 'group' | 'matrix';
    readonly settings?: { readonly groups?: Record<string, RawGroup>; readonly matrix?: RawMatrix };
  };
  readonly scheduler?: {
    readonly use?: 'fifo';
    readonly settings?: { readonly fifo?: { readonly priority?: Record<string, number> } };
  };
}

export interface RawPeer {
  readonly proxy?: string;
  readonly models?: readonly string[];
  readonly apiKey?: string;
  readonly filters?: RawFilters;
}

export type RawApiKey =
  | string
  | {
      readonly key?: string;
      readonly name?: string;
      readonly models?: readonly string[];
      readonly requestsPerMinute?: number;
      readonly admin?: boolean;
    };

export interface RawRule {
  readonly type?: 'pii_detection' | 'content_filter' | 'topic_block' | 'prompt_injection' | 'response_length';
  readonly action?: string;
  readonly patterns?: readonly string[];
  readonly categories?: readonly string[];
  readonly terms?: readonly string[];
  readonly topics?: readonly string[];
  readonly applies_to?: readonly string[];
  readonly max_tokens?: number;
}

export interface RawPolicy {
  readonly id?: string;
  readonly description?: string;
  readonly models?: readonly string[];
  readonly rules?: readonly RawRule[];
}

export interface RawAudit {
  readonly path?: string;
  readonly immutable?: boolean;
  readonly retention_days?: number;
  readonly log_all_access?: boolean;
  readonly flush_interval_ms?: number;
  readonly fsync?: boolean;
}

export interface RawConfig {
  readonly healthCheckTimeout?: number;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readonly logToStdout?: 'proxy' | 'upstream' | 'both' | 'none';
  readonly logFormat?: 'auto' | 'json' | 'pretty';
  readonly logTimeFormat?: string;
  readonly startPort?: number;
  readonly sendLoadingState?: boolean;
  readonly includeAliasesInList?: boolean;
  readonly globalTTL?: number;
  readonly unloadTimeout?: number;
  readonly macros?: Record<string, MacroValue>;
  readonly apiKeys?: readonly RawApiKey[];
  readonly models?: Record<string, RawModel>;
  readonly groups?: Record<string, RawGroup>;
  readonly matrix?: RawMatrix;
  readonly routing?: RawRouting;
  readonly hooks?: { readonly on_startup?: { readonly preload?: readonly string[] } };
  readonly peers?: Record<string, RawPeer>;
  readonly corsOrigins?: readonly string[];
  readonly maxRequestBodyMB?: number;
  readonly requestBodyTimeout?: number;
  readonly clientStallTimeout?: number;
  readonly metricsMaxInMemory?: number;
  readonly policies?: readonly RawPolicy[];
  readonly audit?: RawAudit;
  readonly rateLimits?: { readonly default?: { readonly requestsPerMinute?: number } };
  readonly cache?: { readonly enabled?: boolean; readonly ttl?: number; readonly maxEntries?: number };
}
