// `swapgate` (serve): config → logger → supervisor → app → listen, with config reload.
// Takes env and cwd from main.ts; never exits or installs signal handlers itself.
import { watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { ConfigError } from '../config/config-error.js';
import { formatConfigIssue } from '../config/config-issue.js';
import type { Config } from '../config/types.js';
import { describeEphemeralOverlap, readEphemeralPortRange } from '../process/ephemeral-port-overlap.js';
import { OrphanRegistry } from '../process/orphan-registry.js';
import { getStateDirCandidates, prepareStateDir } from '../process/resolve-state-dir.js';
import { startServer, type RunningServer } from '../server/start-server.js';
import { LogHub } from '../shared/log-hub.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { buildGeneration, type Generation } from './build-generation.js';
import type { ServeCommand } from './parse-args.js';
import { resolveConfigSource, type ConfigSource } from './resolve-config.js';

export interface ServeIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The daemon's user id (names the temp-dir fallback of the state directory); null when none. */
  readonly uid?: number | null;
  readonly cwd: string;
  readonly nodePath: string;
  readonly writeStdout: (text: string) => void;
}

export interface ServeHandle {
  readonly port: number;
  readonly logger: Logger;
  /** Stops accepting, lets requests finish within graceMs, stops every upstream. */
  shutdown(options: { graceMs: number; force?: boolean }): Promise<void>;
}

const RELOAD_DEBOUNCE_MS = 250;
const RELOAD_GRACE_MS = 30_000;

async function loadOrThrow(source: ConfigSource): Promise<{ config: Config; warnings: string[] }> {
  const result = await source.load();
  if (!result.ok) throw new ConfigError(result.errors, result.warnings);
  return { config: result.config, warnings: result.warnings.map(formatConfigIssue) };
}

export async function runServe(command: ServeCommand, io: ServeIo): Promise<ServeHandle> {
  const source = resolveConfigSource(command.configPath, io.cwd, io.env, io.nodePath);
  const { config, warnings } = await loadOrThrow(source);

  const hub = new LogHub();
  const toStdout = config.logToStdout;
  const logger = createLogger({
    level: command.logLevel ?? config.logLevel,
    toStdout: toStdout === 'proxy' || toStdout === 'both',
    hub,
  });
  if (toStdout === 'upstream' || toStdout === 'both') {
    hub.subscribe('upstream', (line) => io.writeStdout(`${line}\n`));
  }
  for (const warning of warnings) logger.warn(warning);
  const portWarning = describeEphemeralOverlap(config.startPort, readEphemeralPortRange());
  if (portWarning !== null) logger.warn(portWarning);

  // One per user, whatever --listen and config: a daemon reaps what any dead one left.
  const uid = io.uid ?? null;
  const stateDir = await prepareStateDir(getStateDirCandidates({ flag: command.stateDir, env: io.env, uid, tmpDir: tmpdir() }), uid);
  // Owned by this process (its file holds its pid and start time); logs what the boot reap did.
  const registry = new OrphanRegistry(stateDir, { logger });
  logger.debug({ stateFile: registry.filePath }, 'state directory');
  const deps = { logger, hub, registry, env: io.env };
  let current: Generation = await buildGeneration(config, deps);

  const server: RunningServer = await startServer(
    {
      fetch: (request, env) => current.app.fetch(request, env),
      serveDirect: (incoming, outgoing) => current.app.serveDirect(incoming, outgoing),
      get maxRequestBodyBytes() {
        return current.app.maxRequestBodyBytes;
      },
    },
    { host: command.host, port: command.port },
  );
  logger.info(
    { config: source.path ?? 'embedded demo', listen: `${command.host}:${server.port}`, models: config.models.length },
    source.path === null
      ? 'no config file given and no ./config.yaml: running the built-in demo model "demo"'
      : `using config ${source.path}`,
  );
  await current.supervisor.start();

  let watcher: FSWatcher | null = null;
  if (command.watchConfig && source.path !== null) {
    let timer: NodeJS.Timeout | null = null;
    const reload = async (): Promise<void> => {
      try {
        const next = await loadOrThrow(source);
        for (const warning of next.warnings) logger.warn(warning);
        const previous = current;
        current = await buildGeneration(next.config, deps, previous);
        current.governance.recordAdmin('config_reload', source.path);
        logger.info({ config: source.path }, 'config reloaded; stopping the previous generation');
        await previous.retire({ graceMs: RELOAD_GRACE_MS });
        await current.supervisor.start();
      } catch (error) {
        const lines = error instanceof ConfigError ? error.issues.map(formatConfigIssue) : [String(error)];
        logger.error({ errors: lines }, 'config reload failed; keeping the running config');
      }
    };
    watcher = watch(source.path, () => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => void reload(), RELOAD_DEBOUNCE_MS);
    });
  }

  return {
    port: server.port,
    logger,
    async shutdown({ graceMs, force = false }) {
      watcher?.close();
      await Promise.all([
        server.close({ graceMs: force ? 0 : graceMs }),
        // Live log streams show the shutdown, then end, so they do not hold the server's close.
        current.retire({ graceMs: force ? 0 : graceMs, force }).finally(() => hub.end()),
      ]);
    },
  };
}
