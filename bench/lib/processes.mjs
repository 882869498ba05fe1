// Child processes for the benchmarks: spawn with argv arrays (no shell), wait on the lines they
// print, stop them and time the stop. Every child is registered so an interrupted run can end
// exactly the processes it started, by pid.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const FAKE_SERVER = fileURLToPath(new URL('../../demo/openai-fake-server.mjs', import.meta.url));

const live = new Set();
const LOG_LINES_KEPT = 60;

export function spawnLogged(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  child.logTail = [];
  child.exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  child.on('error', () => {}); // surfaces through `exited` / waitForLine's exit check
  live.add(child);
  child.exited.then(() => live.delete(child));
  const keep = (stream) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        child.logTail.push(line);
        if (child.logTail.length > LOG_LINES_KEPT) child.logTail.shift();
        child.emit('line', line);
      }
    });
  };
  if (child.stdout) keep(child.stdout);
  if (child.stderr) keep(child.stderr);
  return child;
}

export function describeTail(child) {
  return child.logTail.length === 0 ? '(no output)' : child.logTail.slice(-15).join('\n');
}

// Resolves with the regex match of the first line that matches; rejects on exit or deadline.
export function waitForLine(child, pattern, { timeoutMs = 30_000, what = String(pattern) } = {}) {
  return new Promise((resolve, reject) => {
    const cleanup = () => { clearTimeout(timer); child.off('line', onLine); child.off('exit', onExit); };
    const onLine = (line) => {
      const match = pattern.exec(line);
      if (match !== null) { cleanup(); resolve(match); }
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`process ${child.spawnfile} exited (code ${code}, signal ${signal}) before printing ${what}:\n${describeTail(child)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} from ${child.spawnfile}:\n${describeTail(child)}`));
    }, timeoutMs);
    child.on('line', onLine);
    child.on('exit', onExit);
  });
}

// SIGTERM, then SIGKILL after killAfterMs; resolves with the ms from SIGTERM to exit.
export async function stopProcess(child, { killAfterMs = 10_000 } = {}) {
  if (child.exitCode !== null || child.signalCode !== null) return 0;
  const startedAt = performance.now();
  const killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  child.kill('SIGTERM');
  await child.exited;
  clearTimeout(killTimer);
  return performance.now() - startedAt;
}

export async function stopAll() {
  await Promise.all([...live].map((child) => stopProcess(child, { killAfterMs: 3_000 })));
}

// Processes a child of ours started (e.g. upstreams the daemon spawned) that must not outlive
// the run: killed by pid if still there at the end.
const adopted = new Set();
export function adoptPid(pid) { if (Number.isSafeInteger(pid) && pid > 0) adopted.add(pid); }
export function killAdopted() {
  let killed = 0;
  for (const pid of adopted) {
    try { process.kill(pid, 'SIGKILL'); killed++; } catch { /* already gone: nothing to do */ }
  }
  adopted.clear();
  return killed;
}

export async function startFakeUpstream({ model = 'fake', readyAfterMs = 0, chunks, chunkDelayMs } = {}) {
  const args = [FAKE_SERVER, '--port', '0', '--model', model, '--ready-after-ms', String(readyAfterMs)];
  if (chunks !== undefined) args.push('--chunks', String(chunks));
  if (chunkDelayMs !== undefined) args.push('--chunk-delay-ms', String(chunkDelayMs));
  const child = spawnLogged(process.execPath, args);
  const [, port] = await waitForLine(child, /^READY (\d+)$/, { what: 'READY <port>' });
  return { child, port: Number(port), url: `http://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

// The TCP ports a process listens on, read from /proc: works whatever the process logs.
export function getListeningPorts(pid) {
  const inodes = new Set();
  let fds;
  try { fds = readdirSync(`/proc/${pid}/fd`); } catch { return []; }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match !== null) inodes.add(match[1]);
    } catch { /* fd closed while we looked: not a listener */ }
  }
  const ports = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try { text = readFileSync(table, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9])) continue; // 0A = LISTEN
      ports.push(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}

export function readRssKb(pid) {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]);
}

export function isAlive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

// A port free right now. Only for servers that must be told a port up front (llama-server
// --port P), exactly as the daemon does for ${PORT}; everything else listens on 0.
export function getFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
