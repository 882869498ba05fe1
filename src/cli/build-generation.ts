// One "generation" of the daemon: a config with its supervisor and app. A config reload
// builds a new generation and retires the old one.
import type { Config } from '../config/types.js';
import { createModelProcess } from '../process/model-process.js';
import type { OrphanRegistry } from '../process/orphan-registry.js';
import { createSupervisor } from '../supervisor/create-supervisor.js';
import type { Supervisor } from '../supervisor/types.js';
import { createApp, type SwapgateApp } from '../server/app.js';
import type { LogHub } from '../shared/log-hub.js';
import type { Logger } from '../shared/logger.js';

export interface Generation {
  readonly config: Config;
  readonly supervisor: Supervisor;
  readonly app: SwapgateApp;
  /** Waits up to graceMs for in-flight requests, then stops every upstream. */
  retire(options: { graceMs: number; force?: boolean }): Promise<void>;
}

export interface GenerationDeps {
  readonly logger: Logger;
  readonly hub: LogHub;
  readonly registry: OrphanRegistry;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function buildGeneration(config: Config, deps: GenerationDeps): Generation {
  const { logger, hub, registry, env } = deps;
  const supervisor = createSupervisor(config, {
    logger,
    createProcess: (model) => createModelProcess(model, { logger, hub, registry, env, startPort: config.startPort }),
    reapOrphans: () => registry.reapOrphans(),
  });
  const app = createApp({ config, supervisor, logger, hub });
  return {
    config,
    supervisor,
    app,
    async retire(options) {
      await supervisor.shutdown(options);
      app.close();
    },
  };
}
