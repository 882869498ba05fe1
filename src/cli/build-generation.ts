// One "generation" of the daemon: a config with its governance (keys, policies, the audit log)
// and app (routes, resolver, upstream connections). A config reload builds a new generation and
// retires the old one; the supervisor, and so every process, outlives them all (run-serve.ts).
// A retired generation still finishes the requests it took: it closes when the last one ends.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config/types.js';
import { openGovernance, type Governance } from '../governance/create-governance.js';
import type { Observability } from '../observe/create-observability.js';
import { createApp, type SwapgateApp } from '../server/app.js';
import type { BuildInfo } from '../server/routes/version-routes.js';
import type { FetchApp } from '../server/start-server.js';
import { createDeferred } from '../shared/deferred.js';
import type { LogHub } from '../shared/log-hub.js';
import type { Logger } from '../shared/logger.js';
import type { Supervisor } from '../supervisor/types.js';

export interface Generation {
  readonly config: Config;
  readonly app: SwapgateApp;
  readonly governance: Governance;
  /** What the server serves while this generation is current: the app, counting its requests. */
  readonly served: FetchApp;
  /** Closes the app and releases the audit log once the requests it took have all ended. */
  retire(): Promise<void>;
  /** Closes now (at shutdown, once the server closed every connection). Idempotent. */
  close(): Promise<void>;
}

export interface GenerationDeps {
  readonly logger: Logger;
  readonly hub: LogHub;
  readonly supervisor: Supervisor;
  /** Outlives every generation: activity, events and metrics keep counting across reloads. */
  readonly observe: Observability;
  /** For GET /api/version. */
  readonly build?: BuildInfo;
}

/** Opens the audit log first (a reload naming the same file takes over the previous one's). */
export async function buildGeneration(config: Config, deps: GenerationDeps, previous: Generation | null = null): Promise<Generation> {
  const { logger, hub, supervisor, observe, build } = deps;
  const governance = await openGovernance(config, { logger, previous: previous?.governance ?? null });
  const app = createApp({ config, supervisor, logger, hub, governance, observe, ...(build === undefined ? {} : { build }) });

  let open = 0;
  const idle = createDeferred<void>();
  let retired = false;
  const onClose = (): void => {
    open -= 1;
    if (open === 0 && retired) idle.resolve();
  };
  // A response emits 'close' once, when it ended or its connection went away (so `on`, which
  // unlike `once` makes no wrapper per request).
  const track = (outgoing: ServerResponse): void => {
    open += 1;
    outgoing.on('close', onClose);
  };

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      app.close();
      await governance.close();
    })();
    return closing;
  };
  return {
    config,
    app,
    governance,
    served: {
      fetch(request, env) {
        track(env.outgoing);
        return app.fetch(request, env);
      },
      serveDirect(incoming: IncomingMessage, outgoing: ServerResponse) {
        if (!app.serveDirect(incoming, outgoing)) return false;
        track(outgoing);
        return true;
      },
      maxRequestBodyBytes: app.maxRequestBodyBytes,
    },
    async retire() {
      retired = true;
      if (open > 0) await idle.promise;
      await close();
    },
    close,
  };
}
