// Spawns test/fixtures/fake-upstream.mjs and exposes what it reports (stdout/stderr lines), so tests
// wait on facts ("READY 1234", "ABORTED /x") rather than on time.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const FAKE_UPSTREAM_PATH = fileURLToPath(new URL('../fixtures/fake-upstream.mjs', import.meta.url));

export interface FakeExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  cause?: Error;
}

export interface FakeUpstream {
  child: ChildProcess;
  port: number;
  pid: number;
  baseUrl: string;
  /** stdout lines so far */
  lines(): string[];
  /** stderr lines so far */
  stderrLines(): string[];
  /** Resolves with the first line (stdout or stderr, already seen or future) matching `re`. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<FakeExit>;
}

export interface SpawnFakeOptions {
  /** Which announcement to resolve on: READY (healthy, the default) or LISTENING (bound only). */
  until?: 'READY' | 'LISTENING';
  timeoutMs?: number;
}

const running = new Set<FakeUpstream>();

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
}

export async function spawnFake(args: string[], options: SpawnFakeOptions = {}): Promise<FakeUpstream> {
  const { until = 'READY', timeoutMs = 10_000 } = options;
  const child = spawn(process.execPath, [FAKE_UPSTREAM_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((check) => check());
  collectLines(child.stdout, stdout, notify);
  collectLines(child.stderr, stderr, notify);

  let exit: FakeExit | undefined;
  const exited = new Promise<FakeExit>((resolve) => {
    const settle = (exitCode: number | null, signal: NodeJS.Signals | null, cause?: Error): void => {
      if (exit) return;
      exit = cause ? { exitCode, signal, cause } : { exitCode, signal };
      resolve(exit);
      notify();
    };
    child.once('exit', (exitCode, signal) => settle(exitCode, signal));
    // A spawn failure emits 'error' and never 'exit'; waiters must still hear about it.
    child.once('error', (error) => settle(null, null, error));
  });

  const waitForLine = (re: RegExp, lineTimeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const finish = (error: Error | undefined, line?: string): void => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(line as string);
      };
      const describe = (): string =>
        `stdout: ${JSON.stringify(stdout.slice(-10))}, stderr: ${JSON.stringify(stderr.slice(-10))}`;
      const check = (): void => {
        const line = stdout.find((l) => re.test(l)) ?? stderr.find((l) => re.test(l));
        if (line !== undefined) return finish(undefined, line);
        if (exit) finish(new Error(`fake upstream exited (${JSON.stringify(exit)}) before a line matched ${re}; ${describe()}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`no line matched ${re} within ${lineTimeoutMs}ms; ${describe()}`)),
        lineTimeoutMs,
      );
      waiters.add(check);
      check();
    });

  const fake: FakeUpstream = {
    child,
    port: 0,
    pid: child.pid ?? -1,
    baseUrl: '',
    lines: () => [...stdout],
    stderrLines: () => [...stderr],
    waitForLine,
    exited,
  };
  running.add(fake);
  void exited.then(() => running.delete(fake));
  try {
    const line = await waitForLine(new RegExp(`^${until} (\\d+)$`), timeoutMs);
    fake.port = Number(line.split(' ')[1]);
    fake.baseUrl = `http://127.0.0.1:${fake.port}`;
    return fake;
  } catch (error) {
    await killFake(fake);
    throw error;
  }
}

// Idempotent: a fake that already exited resolves at once with how it exited.
export async function killFake(fake: FakeUpstream, signal: NodeJS.Signals = 'SIGKILL'): Promise<FakeExit> {
  const { child } = fake;
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return fake.exited;
}

// For afterEach: no fake outlives its test even when the test failed half-way.
export async function killAllFakes(): Promise<void> {
  await Promise.all([...running].map((fake) => killFake(fake)));
}
