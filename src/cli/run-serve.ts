// `swapgate` (serve): config → logger → supervisor → app → listen, with config reload.
// Takes env and cwd from main.ts; never exits or installs signal handlers itself.
// One supervisor lives as long as the daemon; each reload builds a new generation (governance
// and app) around it, so models a reload does not change keep running (reload-config.ts).
import { tmpdir } from 'node:os';
import { ConfigError } from '../config/config-error.js';
import { formatConfigIssue } from '../config/config-issue.js';
import type { Config } from '../config/types.js';
import { describeEphemeralOverlap, readEphemeralPortRange } from '../process/ephemeral-port-overlap.js';
import { createModelProcess } from '../process/model-process.js';
import { OrphanRegistry } from '../process/orphan-registry.js';
import { getStateDirCandidates, prepareStateDir } from '../process/resolve-state-dir.js';
import type { BuildInfo } from '../server/routes/version-routes.js';
import { startServer, type RunningServer } from '../server/start-server.js';
import { createObservability } from '../observe/create-observability.js';
import { LogHub } from '../shared/log-hub.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { createSupervisor } from '../supervisor/create-supervisor.js';
import { buildGeneration, type Generation } from './build-generation.js';
import { logListening, logStartup } from './log-startup.js';
import type { ServeCommand } from './parse-args.js';
import { readTlsFiles } from './read-tls-files.js';
import { reloadConfig } from './reload-config.js';
import { ReloadQueue } from './reload-queue.js';
import { resolveConfigSource, type ConfigSource } from './resolve-config.js';
import { watchConfig, type ConfigWatcher } from './watch-config-file.js';

export interface ServeIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The daemon's user id (names the temp-dir fallback of the state directory); null when none. */
  readonly uid?: number | null;
  readonly cwd: string;
  readonly nodePath: string;
  readonly writeStdout: (text: string) => void;
  /** logFormat auto: human lines on a terminal, JSON records otherwise. */
  readonly stdoutIsTty: boolean;
  /** Named in the first log line. */
  readonly version: string;
  /** Answered by GET /api/version (version, commit, build date). */
  readonly build?: BuildInfo;
}

export interface ServeHandle {
  readonly port: number;
  readonly logger: Logger;
  /**
   * Reloads the config now (SIGHUP), queued behind a reload in progress; resolves when done.
   * Never rejects: an invalid config is logged and the running one stays.
   */
  reload(trigger: string): Promise<void>;
  /** Stops accepting, lets requests finish within graceMs, stops every upstream. */
  shutdown(options: { graceMs: number; force?: boolean }): Promise<void>;
}

/** Quiet time after a change in the config's directory before the file is read. */
const WATCH_DEBOUNCE_MS = 100;
const WATCH_MAX_WAIT_MS = 1_000;

async function loadOrThrow(source: ConfigSource): Promise<{ config: Config; warnings: string[] }> {
  const result = await source.load();
  if (!result.ok) throw new ConfigError(result.errors, result.warnings);
  return { config: result.config, warnings: result.warnings.map(formatConfigIssue) };
}

export async function runServe(command: ServeCommand, io: ServeIo): Promise<ServeHandle> {
  const source = resolveConfigSource(command, io.cwd, io.env, io.nodePath);
  const { config, warnings } = await loadOrThrow(source);
  const tls = command.tls === null ? null : await readTlsFiles(command.tls, io.cwd);

  const hub = new LogHub();
  const toStdout = config.logToStdout;
  const format = config.logFormat === 'auto' ? (io.stdoutIsTty ? 'pretty' : 'json') : config.logFormat;
  const logger = createLogger({
    level: command.logLevel ?? config.logLevel,
    toStdout: toStdout === 'proxy' || toStdout === 'both',
    format,
    // https://no-color.org: set and not empty turns colours off.
    colorize: io.stdoutIsTty && (io.env.NO_COLOR ?? '') === '',
    timeFormat: config.logTimeFormat,
    hub,
  });
  // Lines of the "upstream" channel read "[model] line".
  if (toStdout === 'upstream' || toStdout === 'both') {
    hub.subscribe('upstream', (line) => io.writeStdout(`${line}\n`));
  }
  logStartup(logger, io.version, source.path === null && source.dir === null ? null : source.label, config.models.length);
  for (const warning of warnings) logger.warn(warning);
  const portWarning = describeEphemeralOverlap(config.startPort, readEphemeralPortRange());
  if (portWarning !== null) logger.warn(portWarning);

  // One per user, whatever --listen and config: a daemon reaps what any dead one left.
  const uid = io.uid ?? null;
  const stateDir = await prepareStateDir(getStateDirCandidates({ flag: command.stateDir, env: io.env, uid, tmpDir: tmpdir() }), uid);
  // Owned by this process (its file holds its pid and start time); logs what the boot reap did.
  const registry = new OrphanRegistry(stateDir, { logger });
  logger.debug({ stateFile: registry.filePath }, 'state directory');
  const env = io.env;
  const supervisor = createSupervisor(config, {
    logger,
    createProcess: (model, startPort) => createModelProcess(model, { logger, hub, registry, env, startPort }),
    reapOrphans: () => registry.reapOrphans(),
  });
  // One activity store, event bus and metric registry for the daemon's life, across reloads.
  const observe = createObservability({ hub, logger });
  const deps = { logger, hub, supervisor, observe, ...(io.build === undefined ? {} : { build: io.build }) };
  let current: Generation = await buildGeneration(config, deps);
  /** The current generation and retired ones still finishing requests. */
  const generations = new Set<Generation>([current]);

  const listen = { host: command.host, port: command.port, ...(tls === null ? {} : { tls }) };
  const server: RunningServer = await startServer(current.served, listen);
  logListening(logger, command.host, server.port, config.apiKeys.length, tls === null ? 'http' : 'https');
  await supervisor.start();

  let closing = false;
  const reloads = new ReloadQueue((trigger) =>
    reloadConfig(
      {
        ...deps,
        source,
        current: () => current,
        isClosing: () => closing,
        install(next) {
          const previous = current;
          current = next;
          generations.add(next);
          server.replaceApp(next.served);
          void previous.retire().then(() => generations.delete(previous));
        },
      },
      trigger,
    ),
  );
  let watcher: ConfigWatcher | null = null;
  if (command.watchConfig && (source.path !== null || source.dir !== null)) {
    watcher = await watchConfig({ file: source.path, dir: source.dir }, {
      logger,
      debounceMs: WATCH_DEBOUNCE_MS,
      maxWaitMs: WATCH_MAX_WAIT_MS,
      onChange: () => void reloads.request('watch'),
    });
  }

  return {
    port: server.port,
    logger,
    reload: (trigger) => reloads.request(trigger),
    async shutdown({ graceMs, force = false }) {
      closing = true;
      watcher?.close();
      await Promise.all([
        server.close({ graceMs: force ? 0 : graceMs }),
        // Live log streams show the shutdown, then end, so they do not hold the server's close.
        supervisor.shutdown({ graceMs: force ? 0 : graceMs, force }).finally(() => hub.end()),
        reloads.close(),
      ]);
      await Promise.all([...generations].map((generation) => generation.close()));
    },
  };
}
