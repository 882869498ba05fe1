// One "generation" of the daemon: a config with its governance, supervisor and app. A config
// reload builds a new generation and retires the old one.
import type { Config } from '../config/types.js';
import { createModelProcess } from '../process/model-process.js';
import type { OrphanRegistry } from '../process/orphan-registry.js';
import { createSupervisor } from '../supervisor/create-supervisor.js';
import type { Supervisor } from '../supervisor/types.js';
import { createApp, type SwapgateApp } from '../server/app.js';
import { openGovernance, type Governance } from '../governance/create-governance.js';
import type { LogHub } from '../shared/log-hub.js';
import type { Logger } from '../shared/logger.js';

export interface Generation {
  readonly config: Config;
  readonly supervisor: Supervisor;
  readonly app: SwapgateApp;
  readonly governance: Governance;
  /** Waits up to graceMs for in-flight requests, stops every upstream, then closes the audit log. */
  retire(options: { graceMs: number; force?: boolean }): Promise<void>;
}

export interface GenerationDeps {
  readonly logger: Logger;
  readonly hub: LogHub;
  readonly registry: OrphanRegistry;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Opens the audit log first (a reload naming the same file takes over the previous one's). */
export async function buildGeneration(config: Config, deps: GenerationDeps, previous: Generation | null = null): Promise<Generation> {
  const { logger, hub, registry, env } = deps;
  const governance = await openGovernance(config, { logger, previous: previous?.governance ?? null });
  const supervisor = createSupervisor(config, {
    logger,
    createProcess: (model) => createModelProcess(model, { logger, hub, registry, env, startPort: config.startPort }),
    reapOrphans: () => registry.reapOrphans(),
  });
  const app = createApp({ config, supervisor, logger, hub, governance });
  return {
    config,
    supervisor,
    app,
    governance,
    async retire(options) {
      try {
        await supervisor.shutdown(options);
        app.close();
      } finally {
        await governance.close();
      }
    },
  };
}
