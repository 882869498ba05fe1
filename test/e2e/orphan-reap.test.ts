// A daemon killed with SIGKILL cannot stop its upstreams; the next daemon started with the same
// --state-dir (one per user), whatever its --listen, finds them in the dead daemon's state file
// and reaps them at boot: the whole tree, a helper that called setsid included, also when the
// upstream's main process is already gone.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStateEntries, startDaemon, stopAllDaemons, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';
import { SETSID_WRAPPER } from '../process/process-tree-fixture.js';
import { alivePids, cmdWord, fakeCmd, postChat, randomStartPort, waitForPidsGone, waitForReady } from './e2e-fixtures.js';

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'swapgate-e2e-reap-'));
});
afterEach(async () => {
  await stopAllDaemons();
  await rm(stateDir, { recursive: true, force: true });
});

// With preload, the "keeper: ready in … ms" line says boot is over: the daemon reaps before it preloads.
function configText(options: { preload?: boolean; cmd?: string } = {}): string {
  return [
    'logToStdout: both',
    `startPort: ${randomStartPort()}`,
    'models:',
    '  keeper:',
    `    cmd: ${options.cmd ?? fakeCmd('keeper', '--spawn-child')}`,
    ...(options.preload === true ? ['hooks:', '  on_startup:', '    preload: [keeper]'] : []),
    '',
  ].join('\n');
}

/** The wrapper fixture: a helper in the group forks a grandchild that calls setsid, then the fake runs. */
const WRAPPER_CMD = [process.execPath, SETSID_WRAPPER, '--port', '${PORT}', '--model', 'keeper'].map(cmdWord).join(' ');

const PRELOADED = /"event":"model\.ready","model":"keeper"/;

/** Pids of every descendant recorded in the state files of dir. */
function readRecordedDescendants(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => /^swapgate-.*\.json$/.test(name))
    .flatMap((name) => {
      const data = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { entries: Array<{ descendants?: Array<{ pid: number }> }> };
      return data.entries.flatMap((entry) => (entry.descendants ?? []).map((d) => d.pid));
    });
}

/** Ready with its setsid'd grandchild, which the daemon has recorded (so a SIGKILL now loses nothing). */
async function startWrapperTree(daemon: Daemon): Promise<{ pid: number; server: number; helper: number; escapee: number }> {
  const chat = await postChat(daemon, 'keeper');
  expect(chat.status).toBe(200);
  const { pid } = await waitForReady(daemon, 'keeper');
  const readPid = async (prefix: string): Promise<number> => Number((await daemon.waitForLog(new RegExp(`^\\[keeper\\] ${prefix} \\d+$`))).split(' ').at(-1));
  const helper = await readPid('HELPER');
  const escapee = await readPid('SETSID');
  const server = chat.upstreamPid ?? -1;
  for (const p of [helper, escapee, server]) daemon.trackPid(p);
  expect(new Set([pid, server, helper, escapee]).size).toBe(4);
  await waitFor(() => readRecordedDescendants(daemon.stateDir).includes(escapee), { what: 'the escapee in the state file' });
  return { pid, server, helper, escapee };
}

describe('orphans of a killed daemon', () => {
  it('SIGKILL leaves the upstream running; the next daemon on the same state dir reaps it', async () => {
    const config = configText();
    const first = await startDaemon({ configText: config, stateDir, listen: '127.0.0.1:0' });
    expect((await postChat(first, 'keeper')).status).toBe(200);
    const { pid } = await waitForReady(first, 'keeper');
    const grandchild = Number((await first.waitForLog(/^\[keeper\] CHILD \d+$/)).split(' ').at(-1));
    first.trackPid(grandchild);

    expect(await first.kill()).toMatchObject({ signal: 'SIGKILL' });
    // Nobody stopped them: both are still alive, and the state file still names the upstream.
    expect(alivePids([pid, grandchild])).toEqual([pid, grandchild]);
    expect((await readStateEntries(stateDir)).map((e) => e.pid)).toEqual([pid]);

    const second = await startDaemon({ configText: config, stateDir, listen: '127.0.0.1:0' });
    await waitForPidsGone([pid, grandchild], 15_000, 'the orphaned upstream and its child');

    // The new daemon serves the model with a process of its own, and the files forgot the orphan.
    const chat = await postChat(second, 'keeper');
    expect(chat.status).toBe(200);
    expect(chat.upstreamPid).not.toBe(pid);
    expect((await readStateEntries(stateDir)).map((e) => e.pid)).toEqual([chat.upstreamPid]);
  }, 45_000);

  it('a daemon on another --listen and port reaps them, the setsid\'d grandchild included', async () => {
    const first = await startDaemon({ configText: configText({ cmd: WRAPPER_CMD }), stateDir, listen: '127.0.0.1:0' });
    const tree = await startWrapperTree(first);
    await first.kill();
    expect(alivePids(Object.values(tree))).toHaveLength(4);

    const second = await startDaemon({ configText: configText({ preload: true }), stateDir, listen: '0.0.0.0:0' });
    expect(second.port).not.toBe(first.port);
    await second.waitForLog(PRELOADED);
    expect(alivePids(Object.values(tree))).toEqual([]);
    const reaped = second.records().find((r) => r.msg === 'reaped upstreams orphaned by a dead daemon');
    expect(reaped).toMatchObject({ count: 1, models: ['keeper'], pids: [tree.pid] });
    expect([...(reaped?.processes as number[])].sort()).toEqual(Object.values(tree).sort());
  }, 45_000);

  it('an upstream whose main process already exited: what it left is reaped at the next start', async () => {
    const first = await startDaemon({ configText: configText({ cmd: WRAPPER_CMD }), stateDir, listen: '127.0.0.1:0' });
    const tree = await startWrapperTree(first);
    await first.kill();
    process.kill(tree.pid, 'SIGKILL');
    await waitForPidsGone([tree.pid], 10_000, 'the wrapper (the upstream main process)');
    const rest = [tree.server, tree.helper, tree.escapee];
    expect(alivePids(rest)).toEqual(rest);

    const second = await startDaemon({ configText: configText({ preload: true }), stateDir, listen: '127.0.0.1:0' });
    await second.waitForLog(PRELOADED);
    expect(alivePids(rest)).toEqual([]);
  }, 45_000);

  // Each daemon writes its own file (pid + start time in it); only the files of dead daemons are reaped.
  it('a second live daemon on the same state dir leaves the first daemon\'s upstream alone', async () => {
    const config = configText({ preload: true });
    const first = await startDaemon({ configText: config, stateDir, listen: '127.0.0.1:0' });
    await first.waitForLog(PRELOADED);
    const { pid } = await waitForReady(first, 'keeper');

    const second = await startDaemon({ configText: config, stateDir, listen: '127.0.0.1:0' });
    await second.waitForLog(PRELOADED);
    expect(alivePids([pid])).toEqual([pid]);
    expect((await postChat(first, 'keeper')).upstreamPid).toBe(pid);
    const secondPid = (await waitForReady(second, 'keeper')).pid;
    expect((await readStateEntries(stateDir)).map((e) => e.pid).sort()).toEqual([pid, secondPid].sort());
  }, 45_000);

  // A cmd that execs another program keeps its pid but changes its cmdline: `env VAR=x server
  // ...`, or a wrapper script ending in `exec server "$@"` (scripts/install-llama-server.sh
  // installs exactly such a wrapper for llama-server). The orphan is known by pid + start time.
  it('an orphan whose cmd execs (env …) is reaped by the next daemon, which logs it', async () => {
    const config = configText({ preload: true, cmd: `env SWAPGATE_E2E=1 ${fakeCmd('keeper')}` });
    const first = await startDaemon({ configText: config, stateDir });
    await first.waitForLog(PRELOADED);
    const { pid } = await waitForReady(first, 'keeper');
    await first.kill();
    expect(alivePids([pid])).toEqual([pid]);

    const second = await startDaemon({ configText: config, stateDir });
    const reaped = JSON.parse(await second.waitForLog(/"msg":"reaped upstreams orphaned by a dead daemon"/)) as Record<string, unknown>;
    expect(reaped).toMatchObject({ level: 30, count: 1, models: ['keeper'], pids: [pid] });
    await second.waitForLog(PRELOADED);
    expect(alivePids([pid])).toEqual([]);
  }, 45_000);
});
