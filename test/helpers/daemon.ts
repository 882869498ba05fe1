// Runs the built daemon (`node dist/main.js`) as a real child process on a real port and exposes
// what it reports, so end-to-end tests wait on facts: the "listen" log line, other log lines,
// GET /running, process exits. stopAllDaemons() (for afterEach, in daemon-cleanup.ts) kills every
// daemon and every upstream process group they were seen to start, even when a test failed half-way.
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLEANUP_KILL_WAIT_MS, listChildren, readCmdline, registerForCleanup, type Tracked } from './daemon-cleanup.js';
import { DIST_MAIN } from './run-swapgate.js';

export { readStateEntries, stopAllDaemons } from './daemon-cleanup.js';
export { DIST_MAIN, REPO_ROOT, runSwapgate, type CliResult } from './run-swapgate.js';

const DEFAULT_READY_TIMEOUT_MS = 20_000;
/** Longer than the daemon's 30 s shutdown grace, so a stuck drain shows up as its own failure. */
const DEFAULT_STOP_TIMEOUT_MS = 40_000;

export interface DaemonExit {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From the signal stop()/kill() sent (or from spawn when it exited by itself) to the exit. */
  readonly durationMs: number;
}

export interface StartDaemonOptions {
  /** Written to <tmp>/config.yaml and passed as --config. */
  readonly configText?: string;
  /** Passed as --config as is. Neither configText nor configPath: no --config at all. */
  readonly configPath?: string;
  /** Extra argv after the ones the helper adds. */
  readonly args?: readonly string[];
  /**
   * Replaces the --config and --listen flags the helper adds (llama-swap's `-config x -listen y`
   * spellings); --state-dir and `args` are still added. `listen` should then match what it says.
   */
  readonly argv?: readonly string[];
  /** Default: a fresh temp dir, so daemons never share (and reap from) one state file. */
  readonly stateDir?: string;
  /** Default: a fresh, empty temp dir (so no ./config.yaml is picked up). */
  readonly cwd?: string;
  /** --listen text; the state file name derives from it. Default 127.0.0.1:0. */
  readonly listen?: string;
  /** Sent as a Bearer token by request() and running(). */
  readonly apiKey?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
}

/** RequestInit with plain-object headers, so the api key header can be merged in. */
export type DaemonRequestInit = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };

/** One entry of GET /running. */
export interface RunningModel {
  readonly model: string;
  readonly state: string;
  readonly pid: number | null;
  readonly port: number | null;
  readonly proxy: string;
  readonly ttl: number;
}

export interface Daemon {
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  readonly listen: string;
  readonly stateDir: string;
  readonly cwd: string;
  readonly configPath: string | null;
  /** stdout lines so far (the proxy's JSON log lines, and upstream lines with logToStdout both). */
  logs(): string[];
  stderrLines(): string[];
  /** stdout lines that parse as JSON objects. */
  records(): Array<Record<string, unknown>>;
  /** The first stdout/stderr line matching `re`, already seen or future; rejects on exit or deadline. */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<string>;
  /** fetch(baseUrl + path) with the api key (if any) as a Bearer token. */
  request(path: string, init?: DaemonRequestInit): Promise<Response>;
  /** GET /running; every pid it lists is remembered for seenPids() and for cleanup. */
  running(): Promise<RunningModel[]>;
  /**
   * Every upstream pid seen in /running, passed to trackPid, or found as a child of the daemon
   * when stop()/signal()/kill() signalled it; in order of first sight.
   */
  seenPids(): number[];
  /** Remembers a pid (e.g. a grandchild) for cleanup: it is SIGKILLed if it outlives the test. */
  trackPid(pid: number): void;
  isRunning(): boolean;
  readonly exited: Promise<DaemonExit>;
  /** Sends `signal` and resolves with the exit; rejects if the daemon is still up after timeoutMs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<DaemonExit>;
  /** Sends another signal without waiting (e.g. the second SIGTERM that forces a fast exit). */
  signal(signal: NodeJS.Signals): void;
  kill(): Promise<DaemonExit>;
}


function collectLines(stream: NodeJS.ReadableStream, into: string[], onLine: () => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    const parts = (pending + text).split('\n');
    pending = parts.pop() ?? '';
    if (parts.length === 0) return;
    into.push(...parts);
    onLine();
  });
  stream.on('end', () => {
    if (pending === '') return;
    into.push(pending);
    pending = '';
    onLine();
  });
}

function parseRecord(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null; // an upstream line that merely starts with "{"
  }
}

export async function startDaemon(options: StartDaemonOptions = {}): Promise<Daemon> {
  const tempDirs: string[] = [];
  const makeTemp = async (prefix: string): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    tempDirs.push(dir);
    return dir;
  };
  const cwd = options.cwd ?? (await makeTemp('swapgate-e2e-cwd-'));
  const stateDir = options.stateDir ?? (await makeTemp('swapgate-e2e-state-'));
  let configPath = options.configPath ?? null;
  if (options.configText !== undefined) {
    const dir = await makeTemp('swapgate-e2e-config-');
    configPath = join(dir, 'config.yaml');
    await writeFile(configPath, options.configText);
  }
  const listen = options.listen ?? '127.0.0.1:0';
  const argv = [
    DIST_MAIN,
    ...(options.argv ?? [...(configPath === null ? [] : ['--config', configPath]), '--listen', listen]),
    '--state-dir',
    stateDir,
    ...(options.args ?? []),
  ];

  const startedAt = performance.now();
  const child = spawn(process.execPath, argv, {
    cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((check) => check());
  collectLines(child.stdout, stdout, notify);
  collectLines(child.stderr, stderr, notify);

  let signalledAt = startedAt;
  let exit: DaemonExit | null = null;
  const exited = new Promise<DaemonExit>((resolve) => {
    child.once('exit', (exitCode, signal) => {
      exit = { exitCode, signal, durationMs: Math.round(performance.now() - signalledAt) };
      resolve(exit);
      notify();
    });
    child.once('error', (error) => {
      stderr.push(`spawn error: ${error.message}`);
      exit = { exitCode: null, signal: null, durationMs: 0 };
      resolve(exit);
      notify();
    });
  });

  const describe = (): string =>
    `daemon ${child.pid} (${argv.join(' ')})\nstdout (last 20):\n${stdout.slice(-20).join('\n')}\n` +
    `stderr (last 20):\n${stderr.slice(-20).join('\n')}`;

  const waitForLog = (re: RegExp, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const finish = (error: Error | null, line?: string): void => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error !== null) reject(error);
        else resolve(line as string);
      };
      const check = (): void => {
        const line = stdout.find((l) => re.test(l)) ?? stderr.find((l) => re.test(l));
        if (line !== undefined) return finish(null, line);
        if (exit !== null) finish(new Error(`daemon exited (${JSON.stringify(exit)}) before a line matched ${re}\n${describe()}`));
      };
      const timer = setTimeout(() => finish(new Error(`no daemon line matched ${re} within ${timeoutMs} ms\n${describe()}`)), timeoutMs);
      waiters.add(check);
      check();
    });

  const tracked = new Map<number, Tracked>();
  const trackPid = (pid: number): void => {
    if (!tracked.has(pid)) tracked.set(pid, { cmdline: readCmdline(pid) });
  };
  // Before any signal: the daemon's children are its upstreams, and after a SIGKILL they would
  // be reparented and no longer findable (the state file may not name them, see orphan-reap).
  const trackChildren = (): void => {
    if (child.pid !== undefined) for (const pid of listChildren(child.pid)) trackPid(pid);
  };
  const authHeaders = (): Record<string, string> =>
    options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` };

  let port = 0;
  const daemon: Daemon = {
    pid: child.pid ?? -1,
    get port() {
      return port;
    },
    // Loopback IPv4 also reaches a daemon listening on 0.0.0.0.
    get baseUrl() {
      return `http://127.0.0.1:${port}`;
    },
    listen,
    stateDir,
    cwd,
    configPath,
    logs: () => [...stdout],
    stderrLines: () => [...stderr],
    records: () => stdout.map(parseRecord).filter((r): r is Record<string, unknown> => r !== null),
    waitForLog,
    request: (path, init = {}) =>
      fetch(`${daemon.baseUrl}${path}`, { ...init, headers: { ...authHeaders(), ...init.headers } }),
    async running() {
      const res = await daemon.request('/running');
      if (res.status !== 200) throw new Error(`GET /running: HTTP ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { running: RunningModel[] };
      for (const entry of body.running) if (entry.pid !== null) trackPid(entry.pid);
      return body.running;
    },
    seenPids: () => [...tracked.keys()],
    trackPid,
    isRunning: () => exit === null,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = DEFAULT_STOP_TIMEOUT_MS) {
      if (exit !== null) return exit;
      trackChildren();
      signalledAt = performance.now();
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`daemon still running ${timeoutMs} ms after ${signal}\n${describe()}`)), timeoutMs);
      });
      try {
        return await Promise.race([exited, deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
    signal(signal) {
      if (exit !== null) return;
      trackChildren();
      child.kill(signal);
    },
    kill: () => daemon.stop('SIGKILL', CLEANUP_KILL_WAIT_MS),
  };
  registerForCleanup(daemon, tracked, tempDirs);

  // The daemon logs {"listen":"HOST:PORT", ...} once it accepts connections (port 0 resolved).
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const line = await waitForLog(/"listen":"[^"]*:\d+"/, readyTimeoutMs);
  const listened = parseRecord(line)?.listen;
  const match = typeof listened === 'string' ? /:(\d+)$/.exec(listened) : null;
  if (match === null) throw new Error(`cannot read the port from ${JSON.stringify(line)}\n${describe()}`);
  port = Number(match[1]);
  return daemon;
}

