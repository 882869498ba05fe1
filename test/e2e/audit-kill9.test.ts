// The built daemon SIGKILLed under load with an audit log of every request, batched for 50 ms so
// that a response sent before its record was written would show:
// `swapgate audit verify` passes on what it left, prints the count and the final hash, and a
// daemon started on the same file afterwards continues the chain. Every response a client read
// to its end has its record in the file: the proxy holds a response's last byte until then.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRecordLine } from '../../src/audit/audit-record.js';
import { runSwapgate, startDaemon, stopAllDaemons, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';
import { fakeCmd, postChat, randomStartPort } from './e2e-fixtures.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swapgate-e2e-audit-kill9-'));
});
afterEach(async () => {
  await stopAllDaemons();
  await rm(dir, { recursive: true, force: true });
});

const CLIENTS = 16;

const configText = (auditPath: string): string =>
  [`startPort: ${randomStartPort()}`, 'models:', '  chat:', `    cmd: ${fakeCmd('chat')}`, 'audit:', `  path: ${auditPath}`, '  flush_interval_ms: 50', ''].join('\n');

/** Clients that send chat requests until the daemon goes away; ids of the 200s read to the end. */
function loadUntilGone(daemon: Daemon): { delivered: Set<string>; done: Promise<void> } {
  const delivered = new Set<string>();
  let next = 0;
  const client = async (): Promise<void> => {
    for (;;) {
      const id = `kill9-${next++}`;
      try {
        const result = await postChat(daemon, 'chat', {}, { 'x-request-id': id });
        if (result.status === 200 && result.body !== null) delivered.add(id);
      } catch {
        return; // connection refused or reset: the daemon is gone, which is the point
      }
    }
  };
  return { delivered, done: Promise.all(Array.from({ length: CLIENTS }, client)).then(() => undefined) };
}

async function recordedIds(path: string): Promise<Set<string>> {
  const ids = (await readFile(path, 'utf8')).split('\n').map((line) => readRecordLine(line)?.record.request_id);
  return new Set(ids.filter((id): id is string => typeof id === 'string'));
}

describe('audit log and kill -9 of the daemon', () => {
  it('every delivered response is on record after SIGKILL under load, verify passes, and the next daemon continues the chain', async () => {
    const auditPath = join(dir, 'audit', 'swapgate-audit.jsonl');
    const daemon = await startDaemon({ configText: configText(auditPath) });
    expect((await postChat(daemon, 'chat')).status).toBe(200);
    await daemon.running(); // remembers the upstream pid for cleanup
    const load = loadUntilGone(daemon);
    await waitFor(() => load.delivered.size >= 400, { timeoutMs: 20_000, what: '400 delivered responses' });
    expect(await daemon.kill()).toMatchObject({ signal: 'SIGKILL' });
    await load.done;

    const verified = await runSwapgate(['audit', 'verify', '--path', auditPath]);
    expect(verified.exitCode, verified.stdout).toBe(0);
    const count = Number(/^audit chain OK: (\d+) records/.exec(verified.stdout)?.[1]);
    expect(count).toBeGreaterThan(0);
    expect(verified.stdout).toMatch(/\nfinal hash: [0-9a-f]{64} \(seq \d+, /);
    const torn = /\ntorn tail: /.test(verified.stdout) ? 1 : 0;

    const recorded = await recordedIds(auditPath);
    const missing = [...load.delivered].filter((id) => !recorded.has(id));
    expect(missing, `${missing.length} of ${load.delivered.size} delivered responses have no audit record`).toEqual([]);

    const next = await startDaemon({ configText: configText(auditPath) });
    expect((await postChat(next, 'chat', {}, { 'x-request-id': 'after-restart' })).status).toBe(200);
    expect(await next.stop()).toMatchObject({ exitCode: 0 });
    const again = await runSwapgate(['audit', 'verify', '--path', auditPath]);
    expect(again.exitCode, again.stdout).toBe(0);
    // One more request, plus a "recovered" record if a torn tail was moved aside.
    expect(again.stdout).toMatch(new RegExp(`^audit chain OK: ${count + torn + 1} records`));
    expect(again.stdout).not.toMatch(/torn tail/);
  }, 60_000);
});
