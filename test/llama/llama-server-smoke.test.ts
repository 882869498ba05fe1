// Smoke test for the real llama.cpp server our integration tests rely on: install (or find) it,
// run it on a generated tiny model, chat with it, stop it.
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const INSTALL_SCRIPT = fileURLToPath(new URL('../../scripts/install-llama-server.sh', import.meta.url));
const MAKE_GGUF_SCRIPT = fileURLToPath(new URL('../../scripts/make-tiny-gguf.mjs', import.meta.url));
const INSTALL_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 30_000;
const HEALTH_POLL_MS = 20;

interface ChatCompletion {
  choices: Array<{ message: { role: string; content: string | null } }>;
}

let workDir: string;
type LlamaServer = ChildProcessByStdio<null, null, Readable>;

let server: LlamaServer;
let baseUrl: string;
let stderr = '';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: the process is gone, which is what the caller asks about
  }
}

// llama-server with --port 0 binds a free port and logs "listening on http://HOST:PORT" to stderr.
function waitForListeningPort(child: LlamaServer, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      child.stderr.off('data', check);
      child.off('exit', onExit);
      settle();
    };
    const check = (): void => {
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1];
      if (port !== undefined) finish(() => resolve(Number(port)));
    };
    const onExit = (): void => finish(() => reject(new Error(`llama-server exited before listening; stderr:\n${stderr}`)));
    const timer = setTimeout(
      () => finish(() => reject(new Error(`llama-server reported no port within ${timeoutMs}ms; stderr:\n${stderr}`))),
      timeoutMs,
    );
    child.stderr.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

async function waitForHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = String(error); // not accepting yet: try again until the deadline
    }
    await delay(HEALTH_POLL_MS);
  }
  throw new Error(`${url}/health not 200 within ${timeoutMs}ms (last: ${last})`);
}

async function postChat(body: object): Promise<Response> {
  return fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hello world' }], max_tokens: 8, ...body }),
  });
}

describe('llama-server on a tiny generated model', () => {
  beforeAll(async () => {
    const installed = await run('bash', [INSTALL_SCRIPT], { timeout: INSTALL_TIMEOUT_MS });
    const binary = installed.stdout.trim().split('\n').at(-1) ?? '';
    expect(binary).toMatch(/llama-server$/);

    workDir = await mkdtemp(join(tmpdir(), 'swapgate-llama-'));
    const model = join(workDir, 'tiny.gguf');
    await run(process.execPath, [MAKE_GGUF_SCRIPT, '--seed', '1', '--out', model]);

    const spawnedAt = performance.now();
    server = spawn(binary, ['-m', model, '-c', '256', '--host', '127.0.0.1', '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const port = await waitForListeningPort(server, START_TIMEOUT_MS);
    baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealthy(baseUrl, START_TIMEOUT_MS);
    console.info(`llama-server healthy ${Math.round(performance.now() - spawnedAt)}ms after spawn`);
  }, INSTALL_TIMEOUT_MS + 2 * START_TIMEOUT_MS);

  afterAll(async () => {
    if (server !== undefined && server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await once(server, 'exit');
    }
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  it('answers a chat completion with an assistant message', async () => {
    const res = await postChat({});
    expect(res.status).toBe(200);
    const body = (await res.json()) as ChatCompletion;
    expect(body.choices[0]?.message).toMatchObject({ role: 'assistant' });
  });

  it('streams chat completion chunks ending with [DONE]', async () => {
    const res = await postChat({ stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter((event) => event.startsWith('data: '));
    expect(events.length).toBeGreaterThan(1);
    expect(events.at(-1)).toBe('data: [DONE]');
  });

  it('exits on SIGTERM and leaves no process behind', async () => {
    const pid = server.pid;
    expect(pid).toBeTypeOf('number');
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    const [exitCode, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ exitCode, signal }).toEqual({ exitCode: 0, signal: null });
    expect(isAlive(pid as number)).toBe(false);
  });
});
