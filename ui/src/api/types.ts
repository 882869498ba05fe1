// The daemon's public JSON as the UI reads it (src/observe and src/server/routes write it). The UI
// never imports daemon code, so these are written down here; the browser test runs them against a
// real daemon, where a renamed field shows up as an empty cell.

export type ProcessState = 'stopped' | 'starting' | 'ready' | 'stopping' | 'shutdown';

/** One model of the "modelStatus" event (llama-swap's apiModel). Peers' models have state "". */
export interface ApiModel {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly state: string;
  readonly unlisted: boolean;
  readonly peerID: string;
  readonly aliases?: readonly string[];
}

export interface ActivityTokens {
  readonly input_tokens?: number;
  readonly output_tokens?: number;
  readonly cache_tokens?: number;
  readonly prompt_per_second?: number;
  readonly tokens_per_second?: number;
}

/** A finished model request (GET /api/metrics/activity rows and "activity" events). */
export interface ActivityEntry {
  readonly id: number;
  readonly timestamp: string;
  readonly src: string;
  readonly model: string;
  readonly req_path: string;
  readonly method: string;
  readonly resp_content_type: string;
  readonly resp_status_code: number;
  readonly outcome: string;
  readonly tokens: ActivityTokens;
  readonly duration_ms: number;
  readonly load_wait_ms?: number;
  readonly ttfb_ms?: number;
  readonly ttft_ms?: number;
  readonly key_name?: string;
  readonly request_id: string;
}

export interface ActivityPage {
  readonly data: readonly ActivityEntry[];
  readonly page: number;
  readonly limit: number;
  readonly total: number;
  readonly total_pages: number;
}

export interface HistogramData {
  readonly bins: readonly number[];
  readonly min: number;
  readonly max: number;
  readonly binSize: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface ActivityStats {
  readonly total_requests: number;
  readonly total_input_tokens: number;
  readonly total_output_tokens: number;
  readonly total_cache_tokens: number;
  readonly prompt_histogram: HistogramData | null;
  readonly gen_histogram: HistogramData | null;
  readonly ttft_histogram: HistogramData | null;
  readonly outcomes: Readonly<Record<string, number>>;
}

export interface InflightEntry {
  readonly id: string;
  readonly timestamp: string;
  readonly model: string;
  readonly src: string;
  readonly req_path: string;
  readonly method: string;
  readonly remote_ip: string;
  readonly resp_bytes: number;
  readonly elapsed_ms: number;
  readonly request_id: string;
  readonly key_name?: string;
}

export type InflightUpdate =
  | { readonly operation: 'snapshot'; readonly requests: readonly InflightEntry[] }
  | { readonly operation: 'upsert'; readonly request: InflightEntry }
  | { readonly operation: 'remove'; readonly id: string };

export type LogSource = 'proxy' | 'upstream';

export interface LogData {
  readonly source: LogSource;
  /** One or more lines, each ending in "\n". */
  readonly data: string;
}

export interface GpuStat {
  readonly id: number;
  readonly name: string;
  readonly temp_c?: number;
  readonly gpu_util_pct?: number;
  readonly mem_util_pct?: number;
  readonly mem_used_mb?: number;
  readonly mem_total_mb?: number;
  readonly power_draw_w?: number;
}

export interface PerformanceReport {
  readonly process: {
    readonly pid: number;
    readonly uptime_s: number;
    readonly cpu_pct: number;
    readonly rss_mb: number;
    readonly heap_used_mb: number;
  };
  readonly sys_stats: readonly {
    readonly timestamp: string;
    readonly cpu_util_per_core: readonly number[];
    readonly mem_total_mb: number;
    readonly mem_used_mb: number;
    readonly load_avg_1: number;
  }[];
  readonly gpu_stats: readonly GpuStat[];
}

/** GET /ui/api/models: what the Models page shows beyond the live state (src/server/ui/ui-models.ts). */
export interface UiFailure {
  readonly atMs: number;
  readonly code: string;
  readonly message: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly logTail: readonly string[];
}

export interface UiModelDetail {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly aliases: readonly string[];
  readonly unlisted: boolean;
  /** null for a peer's model. */
  readonly groupId: string | null;
  readonly peer: string | null;
  /** null for a peer's model. */
  readonly state: ProcessState | null;
  readonly pid: number | null;
  readonly port: number | null;
  readonly ttlMs: number;
  readonly inFlight: number;
  readonly queued: number;
  /** How long the last successful start took. */
  readonly lastStartMs: number | null;
  /** When it last became ready / started starting (daemon clock, epoch ms). */
  readonly readyAtMs: number | null;
  readonly startingAtMs: number | null;
  /** When its TTL clock started: ready, or its last request finished (null: unknown or not idle). */
  readonly idleSinceMs: number | null;
  readonly lastFailure: UiFailure | null;
}

export interface UiGroup {
  readonly id: string;
  readonly swap: boolean;
  readonly exclusive: boolean;
  readonly persistent: boolean;
  readonly implicit: boolean;
}

export interface UiModelsResponse {
  /** The daemon's clock when it answered (uptime and TTL are counted against it). */
  readonly nowMs: number;
  readonly groups: readonly UiGroup[];
  readonly models: readonly UiModelDetail[];
}
