// What every proxied request needs, built once per config generation.
import type { Config } from '../config/types.js';
import type { Logger } from '../shared/logger.js';
import type { Supervisor } from '../supervisor/types.js';
import type { HookChain } from './hook-chain.js';
import type { ModelResolver } from './model-resolver.js';
import type { UpstreamPool } from './upstream-pool.js';

export interface PipelineContext {
  readonly config: Config;
  readonly supervisor: Supervisor;
  readonly resolver: ModelResolver;
  readonly pool: UpstreamPool;
  readonly hooks: HookChain;
  readonly logger: Logger;
  /** Idle timeout on an upstream request (504 when it fires); 0 = none. */
  readonly upstreamTimeoutMs: number;
  /** How often a loading-state stream sends a progress dot. */
  readonly loadingDotIntervalMs: number;
  /** Log lines quoted in a 502. */
  readonly logTailLines: number;
  /** How long a request refused by a "ready" upstream waits for the supervisor to notice its death. */
  readonly refusedRetryWaitMs: number;
  /** requestBodyTimeout: a body still arriving after this much reading time gets 408; 0 = none. */
  readonly requestBodyTimeoutMs: number;
  /** clientStallTimeout: a client that takes no bytes for this long is cut off; 0 = never. */
  readonly clientStallTimeoutMs: number;
}
