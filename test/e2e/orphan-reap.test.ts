// A daemon killed with SIGKILL cannot stop its upstreams; the next daemon started with the same
// --state-dir and --listen text finds them in the state file and reaps them at boot.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStateEntries, startDaemon, stopAllDaemons } from '../helpers/daemon.js';
import { alivePids, fakeCmd, postChat, randomStartPort, waitForPidsGone, waitForReady } from './e2e-fixtures.js';

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'swapgate-e2e-reap-'));
});
afterEach(async () => {
  await stopAllDaemons();
  await rm(stateDir, { recursive: true, force: true });
});

// With preload, the "preloaded" log line says boot is over: the daemon reaps before it preloads.
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

const PRELOADED = /"msg":"preloaded"/;

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

    // The new daemon serves the model with a process of its own, and the file forgot the orphan.
    const chat = await postChat(second, 'keeper');
    expect(chat.status).toBe(200);
    expect(chat.upstreamPid).not.toBe(pid);
    expect((await readStateEntries(stateDir)).map((e) => e.pid)).toEqual([chat.upstreamPid]);
  }, 45_000);

  it('a daemon with another --listen text keeps its own state file and does not reap', async () => {
    const config = configText({ preload: true });
    const first = await startDaemon({ configText: config, stateDir, listen: '127.0.0.1:0' });
    await first.waitForLog(PRELOADED);
    const { pid } = await waitForReady(first, 'keeper');
    await first.kill();

    const other = await startDaemon({ configText: config, stateDir, listen: '0.0.0.0:0' });
    await other.waitForLog(PRELOADED);
    expect(alivePids([pid])).toEqual([pid]);
    expect((await readStateEntries(stateDir)).map((e) => e.pid).sort()).toEqual(
      [pid, (await waitForReady(other, 'keeper')).pid].sort(),
    );
  }, 45_000);

  // Every daemon started with port 0 (or the same HOST:PORT text in different network
  // namespaces) shares one state file; each entry names its owning daemon (pid + start time),
  // and only the entries of dead owners are reaped.
  it('a second live daemon on the same state dir and "127.0.0.1:0" leaves the first daemon\'s upstream alone', async () => {
    const config = configText({ preload: true });
    const first = await startDaemon({ configText: config, stateDir, listen: '127.0.0.1:0' });
    await first.waitForLog(PRELOADED);
    const { pid } = await waitForReady(first, 'keeper');

    const second = await startDaemon({ configText: config, stateDir, listen: '127.0.0.1:0' });
    await second.waitForLog(PRELOADED);
    expect(alivePids([pid])).toEqual([pid]);
    expect((await postChat(first, 'keeper')).upstreamPid).toBe(pid);
    // Neither daemon dropped the other's entry from the shared file.
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
