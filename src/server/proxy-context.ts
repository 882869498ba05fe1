// What every proxying route needs, built once by createApp.
import type { Config } from '../config/types.js';
import type { Supervisor } from '../supervisor/types.js';
import type { EndpointPool } from './endpoint-pool.js';
import type { ProxyGovernance } from './governance/proxy-governance.js';
import type { ModelResolver } from './model-resolver.js';

export interface ProxyContext {
  readonly config: Config;
  readonly supervisor: Supervisor;
  readonly resolver: ModelResolver;
  readonly pool: EndpointPool;
  /** Idle timeout on an upstream request (504 when it fires); 0 = none. */
  readonly upstreamTimeoutMs: number;
  /** How often a loading-state stream sends a progress dot. */
  readonly loadingDotIntervalMs: number;
  /** Log lines quoted in a 502. */
  readonly logTailLines: number;
  /** How long a request refused by a "ready" upstream waits for the supervisor to notice its death. */
  readonly refusedRetryWaitMs: number;
  /** Key scopes, policies, cache and metering per proxied request; null when none apply. */
  readonly governance: ProxyGovernance | null;
}
