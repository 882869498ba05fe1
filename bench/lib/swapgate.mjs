// Starting the swapgate daemon for a benchmark: a config written to a temp dir, the built
// dist/main.js listening on 127.0.0.1:0, its real port read back from /proc.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { chatBody, requestJson } from './http-client.mjs';
import { FAKE_SERVER, REPO_DIR, adoptPid, describeTail, getListeningPorts, spawnLogged, stopProcess } from './processes.mjs';

export const DEFAULT_DAEMON = join(REPO_DIR, 'dist', 'main.js');
let daemonPath = DEFAULT_DAEMON;

// For benchmarking another build of the daemon (run.mjs --daemon PATH).
export function useDaemon(path) { daemonPath = path; }

// Benchmarks drive 32..200 requests at once into one model; llama-swap's default limit of 10
// in flight per model would turn most of them into 429s.
const CONCURRENCY_LIMIT = 1000;

export function assertDaemonBuilt() {
  if (!existsSync(daemonPath)) {
    throw new Error(`${daemonPath} is missing: run \`npm run build\` first (the benchmarks build nothing themselves), or pass --skip-swapgate to run only the parts that do not need the daemon`);
  }
}

export function fakeModel(id, { readyAfterMs = 0, chunks, chunkDelayMs } = {}) {
  let cmd = `${process.execPath} ${FAKE_SERVER} --port \${PORT} --model ${id} --ready-after-ms ${readyAfterMs}`;
  if (chunks !== undefined) cmd += ` --chunks ${chunks}`;
  if (chunkDelayMs !== undefined) cmd += ` --chunk-delay-ms ${chunkDelayMs}`;
  return { cmd, proxy: 'http://127.0.0.1:${PORT}', concurrencyLimit: CONCURRENCY_LIMIT };
}

export function llamaModel(llamaServer, ggufPath) {
  return { cmd: `${llamaServer} --port \${PORT} -m ${ggufPath} -c 256`, proxy: 'http://127.0.0.1:${PORT}', concurrencyLimit: CONCURRENCY_LIMIT };
}

export function makeConfig(models, extra = {}) {
  return { healthCheckTimeout: 60, logLevel: 'warn', logToStdout: 'none', models, ...extra };
}

export const PII_POLICY = { id: 'pii', rules: [{ type: 'pii_detection', action: 'redact', patterns: ['email', 'credit_card'] }] };

async function waitForListenPort(child, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const [port] = getListeningPorts(child.pid);
    if (port !== undefined) return port;
    await sleep(20);
  }
  const why = child.exitCode !== null || child.signalCode !== null ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : `did not listen within ${timeoutMs} ms`;
  throw new Error(`swapgate ${why}:\n${describeTail(child)}`);
}

// The per-request log line and an audit record of every inference request, as a daemon runs in
// production; the lines go to the daemon's stdout, which is discarded (not read by the bench).
export const PRODUCTION_LOGGING = { logLevel: 'info', logToStdout: 'proxy', audit: { path: 'audit.jsonl' } };

/** `discardStdout`: the daemon's stdout goes to /dev/null (for PRODUCTION_LOGGING). */
export async function startSwapgate(config, { startTimeoutMs = 20_000, discardStdout = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'swapgate-bench-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, stringify(config));
  const stdio = ['ignore', discardStdout ? 'ignore' : 'pipe', 'pipe'];
  const child = spawnLogged(process.execPath, [daemonPath, '--config', configPath, '--listen', '127.0.0.1:0'], { cwd: dir, stdio });
  try {
    const port = await waitForListenPort(child, startTimeoutMs);
    const url = `http://127.0.0.1:${port}`;
    return {
      child, pid: child.pid, port, url, dir, configPath,
      async stop() {
        const ms = await stopProcess(child);
        rmSync(dir, { recursive: true, force: true });
        return ms;
      },
    };
  } catch (error) {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

// Sends one chat request and waits for a 200, so the model is loaded before timing starts.
// Remembers the upstream pid (x-fake-pid) so it can be killed if the daemon leaves it behind.
export async function warmUp(gate, model, { agent, body = chatBody(model) } = {}) {
  const res = await requestJson(`${gate.url}/v1/chat/completions`, { body, agent });
  if (res.status !== 200) throw new Error(`warm-up of model "${model}" through swapgate: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  adoptPid(Number(res.headers['x-fake-pid']));
  return res;
}

/**
 * Audit records in the daemon's audit file once `expected` are there (records are written in
 * batches every 200 ms), or what is there after a 5 s deadline.
 */
export async function waitForAuditRecords(gate, file, expected) {
  const path = join(gate.dir, file);
  const count = () => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0);
  const deadline = performance.now() + 5_000;
  let records = count();
  while (records < expected && performance.now() < deadline) {
    await sleep(50);
    records = count();
  }
  return { path, records };
}
