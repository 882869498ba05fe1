// Shared pieces of the end-to-end suites: config snippets for the fake upstream, the real
// llama-server from globalSetup, tiny GGUF models, and small assertions on processes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { isPidAlive } from '../../src/process/process-liveness.js';
import { waitFor } from '../helpers/wait-for.js';
import type { Daemon } from '../helpers/daemon.js';

const run = promisify(execFile);

export const FAKE_UPSTREAM = fileURLToPath(new URL('../fixtures/fake-upstream.mjs', import.meta.url));
const MAKE_GGUF = fileURLToPath(new URL('../../scripts/make-tiny-gguf.mjs', import.meta.url));

/** A YAML single-quoted scalar (inside it only ' needs escaping). */
export function yamlQuote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A shell-like word for cmd (swapgate splits cmd like a shell would, without running one). */
export function cmdWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** cmd running the fake upstream on ${PORT} as model `id`, with extra fake flags. */
export function fakeCmd(id: string, ...flags: string[]): string {
  return [process.execPath, FAKE_UPSTREAM, '--port', '${PORT}', '--model', id, ...flags].map(cmdWord).join(' ');
}

export { randomStartPort } from '../helpers/random-start-port.js';

/** The llama-server path globalSetup installed; a missing one fails the test, never skips it. */
export function getLlamaServerPath(): string {
  const path = inject('llamaServerPath');
  if (typeof path !== 'string' || path === '') {
    throw new Error('inject("llamaServerPath") is empty: register test/global-setup.ts as globalSetup in vitest.config.ts');
  }
  return path;
}

export async function makeTinyGguf(seed: number, out: string): Promise<void> {
  await run(process.execPath, [MAKE_GGUF, '--seed', String(seed), '--out', out]);
}

export interface ChatResult {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly upstreamPid: number | null;
}

/** POST /v1/chat/completions through the daemon; returns what the client sees. */
export async function postChat(
  daemon: Daemon,
  model: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<ChatResult> {
  const res = await daemon.request('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello there' }], ...extra }),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null; // not JSON (e.g. an SSE stream): callers look at text
  }
  const pid = res.headers.get('x-fake-pid');
  return { status: res.status, body, text, upstreamPid: pid === null ? null : Number(pid) };
}

/** The one entry of GET /running for `model`, waiting until it is listed as ready. */
export async function waitForReady(daemon: Daemon, model: string, timeoutMs = 20_000): Promise<{ pid: number; port: number }> {
  return waitFor(
    async () => {
      const entry = (await daemon.running()).find((r) => r.model === model && r.state === 'ready');
      return entry !== undefined && entry.pid !== null && entry.port !== null ? { pid: entry.pid, port: entry.port } : undefined;
    },
    { timeoutMs, what: `model "${model}" ready in /running` },
  );
}

/** Which of `pids` are still alive (zombies count as gone, see isPidAlive). */
export function alivePids(pids: readonly number[]): number[] {
  return pids.filter((pid) => isPidAlive(pid));
}

export async function waitForPidsGone(pids: readonly number[], timeoutMs = 10_000, what = 'pids'): Promise<void> {
  await waitFor(() => alivePids(pids).length === 0, {
    timeoutMs,
    what: `${what} ${pids.join(', ')} to be gone`,
  });
}

/**
 * Pids of every upstream the daemon made ready, in order, from its lifecycle log records
 * ({"event":"model.ready"|"model.swap", "model", "pid"}, at info level).
 */
export function getStartedPids(daemon: Daemon, model?: string): number[] {
  return daemon
    .records()
    .filter((r) => (r.event === 'model.ready' || r.event === 'model.swap') && typeof r.pid === 'number' && (model === undefined || r.model === model))
    .map((r) => r.pid as number);
}

/** The pid of the latest start of `model` (waiting for its log record), tracked for cleanup. */
export async function waitForStartedPid(daemon: Daemon, model: string, timeoutMs = 10_000): Promise<number> {
  const pid = await waitFor(() => getStartedPids(daemon, model).at(-1), { timeoutMs, what: `a "ready" state record for ${model}` });
  daemon.trackPid(pid);
  return pid;
}
