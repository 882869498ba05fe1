// Starts one upstream command as the leader of its own process group and streams its
// output line by line; nothing is buffered beyond the current line.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { spawnFailedError } from './process-errors.js';
import { pause } from './process-liveness.js';

/** After an exit, how long the last output lines may take to arrive. */
const OUTPUT_DRAIN_MS = 50;

export interface UpstreamExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
}

export interface SpawnedUpstream {
  readonly pid: number;
  /** The leader's own group (spawned detached), so pgid === pid. */
  readonly pgid: number;
  readonly argv: readonly string[];
  readonly exited: Promise<UpstreamExit>;
  /** Resolves when stdout and stderr closed (may be never if a survivor holds them). */
  readonly outputClosed: Promise<void>;
  /** How the leader exited, or null while it runs. */
  exitInfo(): UpstreamExit | null;
}

export interface SpawnUpstreamOptions {
  readonly modelId: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** True: env is added to the environment this daemon was started with. */
  readonly extendEnv: boolean;
  readonly onLine: (line: string) => void;
}

/** Rejects with upstream_start_failed when the command cannot be run at all (e.g. ENOENT). */
export async function spawnUpstream(options: SpawnUpstreamOptions): Promise<SpawnedUpstream> {
  const [file, ...args] = options.argv;
  if (file === undefined || file === '') throw spawnFailedError(options.modelId, options.argv, new Error('empty cmd'));
  let subprocess;
  try {
    subprocess = execa(file, args, {
      detached: true,
      cleanup: false,
      stdin: 'ignore',
      buffer: false,
      reject: false,
      forceKillAfterDelay: false,
      env: options.env,
      extendEnv: options.extendEnv,
    });
  } catch (error) {
    throw spawnFailedError(options.modelId, options.argv, error);
  }
  const pid = subprocess.pid;
  if (pid === undefined) {
    // Node reports a failed spawn by leaving pid unset; execa's result carries the errno.
    const result = await subprocess;
    throw spawnFailedError(options.modelId, options.argv, result.cause ?? result);
  }

  let exit: UpstreamExit | null = null;
  const exited = new Promise<UpstreamExit>((resolve) => {
    subprocess.once('exit', (exitCode, signal) => {
      exit = { exitCode, signal };
      resolve(exit);
    });
  });
  const outputClosed = Promise.all([
    readLines(subprocess.stdout, options.onLine),
    readLines(subprocess.stderr, options.onLine),
  ]).then(() => undefined);

  return { pid, pgid: pid, argv: options.argv, exited, outputClosed, exitInfo: () => exit };
}

/** Resolves once the output is fully read, or after a short grace when a survivor keeps the pipes open. */
export function waitForOutputDrain(upstream: SpawnedUpstream): Promise<void> {
  return Promise.race([upstream.outputClosed, pause(OUTPUT_DRAIN_MS)]);
}

function readLines(stream: Readable | null, onLine: (line: string) => void): Promise<void> {
  if (stream === null) return Promise.resolve();
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  reader.on('line', onLine);
  // A broken pipe just ends the output early; the exit of the process is what callers act on.
  stream.once('error', () => reader.close());
  return new Promise((resolve) => reader.once('close', resolve));
}

/** The child's environment: the daemon's (given, or inherited when absent) plus the model's. */
export function buildChildEnv(
  daemonEnv: Readonly<Record<string, string | undefined>> | undefined,
  modelEnv: Readonly<Record<string, string>>,
): { env: Record<string, string>; extendEnv: boolean } {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(daemonEnv ?? {})) if (value !== undefined) env[key] = value;
  return { env: { ...env, ...modelEnv }, extendEnv: daemonEnv === undefined };
}
