import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { getOrphanStatePath, OrphanRegistry, type OrphanEntry, type RunRecord } from '../../src/process/orphan-registry.js';
import { getStartTicks } from '../../src/process/process-liveness.js';
import { createLogger } from '../../src/shared/logger.js';
import { FAKE_UPSTREAM } from '../helpers/model-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { createHarness, isProcessGone, killIfAlive } from './process-harness.js';

const stateDir = mkdtempSync(join(tmpdir(), 'swapgate-orphans-'));
const strays: number[] = [];
let fileCount = 0;

afterEach(() => strays.splice(0).forEach(killIfAlive));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

function newStatePath(): string {
  return getOrphanStatePath(stateDir, `test-${fileCount++}`);
}

// Like an upstream whose daemon was SIGKILLed: it leads its own group and nobody waits for it.
// Recorded as the daemon does at spawn: the argv it was given and its start time.
async function spawnDetachedFake(prefix: readonly string[] = []): Promise<RunRecord & { grandchild: number }> {
  const argv = [...prefix, process.execPath, FAKE_UPSTREAM, '--port', '0', '--spawn-child'];
  const child = spawn(argv[0] ?? '', argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = child.pid ?? -1;
  strays.push(pid);
  const startTicks = getStartTicks(pid);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  await waitFor(() => /READY \d+/.test(output), { what: 'the detached fake to be READY' });
  const grandchild = Number(/CHILD (\d+)/.exec(output)?.[1]);
  strays.push(grandchild);
  child.stdout.destroy();
  child.unref();
  return { pid, pgid: pid, modelId: 'orphan', argv, startedAt: Date.now(), startTicks, grandchild };
}

function toRecord({ grandchild: _, ...record }: RunRecord & { grandchild: number }): RunRecord {
  return record;
}

// Stands in for another daemon: alive until the test kills it.
async function spawnStandInDaemon(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  strays.push(child.pid ?? -1);
  return child as ChildProcess & { pid: number };
}

async function killStandIn(daemon: ChildProcess & { pid: number }): Promise<void> {
  const exited = once(daemon, 'exit');
  daemon.kill('SIGKILL');
  await exited;
}

function readEntries(path: string): OrphanEntry[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { entries: OrphanEntry[] }).entries;
}

function record(pid: number, modelId = 'm'): RunRecord {
  return { pid, pgid: pid, modelId, argv: ['x', 'y'], startedAt: 1, startTicks: 7 };
}

describe('OrphanRegistry', () => {
  it('names the state file after a hash of the daemon name', () => {
    expect(getOrphanStatePath('/var/lib/swapgate', '127.0.0.1:8080')).toMatch(/^\/var\/lib\/swapgate\/swapgate-[0-9a-f]{12}\.json$/);
    expect(getOrphanStatePath('/x', 'a')).not.toBe(getOrphanStatePath('/x', 'b'));
  });

  it('records entries with their owning daemon in the file and removes them', async () => {
    const path = newStatePath();
    const registry = new OrphanRegistry(path);
    await registry.add(record(4242));
    expect(readEntries(path)).toEqual([
      { ...record(4242), ownerPid: process.pid, ownerStartTicks: getStartTicks(process.pid) },
    ]);
    await registry.remove(4242);
    expect(readEntries(path)).toEqual([]);
  });

  it('leaves the upstreams of a live daemon alone, and reaps them once that daemon died', async () => {
    const path = newStatePath();
    const fake = await spawnDetachedFake();
    const daemon = await spawnStandInDaemon();
    await new OrphanRegistry(path, { ownerPid: daemon.pid }).add(toRecord(fake));
    const booting = new OrphanRegistry(path);

    const first = await booting.reapOrphans();
    expect(first).toMatchObject({ reaped: [], skipped: [], survivors: [], kept: [{ pid: fake.pid, ownerPid: daemon.pid }] });
    expect(isProcessGone(fake.pid)).toBe(false);
    expect(readEntries(path)).toMatchObject([{ pid: fake.pid, ownerPid: daemon.pid }]);

    await killStandIn(daemon);
    const second = await booting.reapOrphans();
    expect(second.reaped).toMatchObject([{ pid: fake.pid, modelId: 'orphan' }]);
    expect(isProcessGone(fake.pid)).toBe(true);
    expect(isProcessGone(fake.grandchild)).toBe(true);
    expect(readEntries(path)).toEqual([]);
  });

  it('treats a live daemon whose pid was reused (another start time) as dead', async () => {
    const path = newStatePath();
    const fake = await spawnDetachedFake();
    const stranger = await spawnStandInDaemon();
    const entry = { ...toRecord(fake), ownerPid: stranger.pid, ownerStartTicks: (getStartTicks(stranger.pid) ?? 0) - 1 };
    writeFileSync(path, JSON.stringify({ entries: [entry] }));

    expect((await new OrphanRegistry(path).reapOrphans()).reaped).toMatchObject([{ pid: fake.pid }]);
    expect(isProcessGone(fake.pid)).toBe(true);
    expect(isProcessGone(stranger.pid)).toBe(false);
  });

  it('reaps a command that exec\'d (its cmdline changed) by its pid and start time', async () => {
    const path = newStatePath();
    const viaEnv = await spawnDetachedFake(['env', 'SWAPGATE_TEST=1']);
    const viaShell = await spawnDetachedFake(['sh', '-c', 'exec "$0" "$@"']);
    for (const fake of [viaEnv, viaShell]) {
      expect(readFileSync(`/proc/${fake.pid}/cmdline`, 'utf8').split('\0')[0]).toBe(process.execPath);
    }
    const daemon = await spawnStandInDaemon();
    const dying = new OrphanRegistry(path, { ownerPid: daemon.pid });
    await Promise.all([dying.add(toRecord(viaEnv)), dying.add(toRecord(viaShell))]);
    await killStandIn(daemon);

    const report = await new OrphanRegistry(path).reapOrphans();
    expect(report.reaped.map((e) => e.pid).sort()).toEqual([viaEnv.pid, viaShell.pid].sort());
    for (const fake of [viaEnv, viaShell]) {
      expect(isProcessGone(fake.pid)).toBe(true);
      expect(isProcessGone(fake.grandchild)).toBe(true);
    }
    expect(readEntries(path)).toEqual([]);
  });

  it('leaves alone a live pid that is another process now (start time, or cmdline when no start time)', async () => {
    const path = newStatePath();
    const fake = await spawnDetachedFake();
    const { grandchild: _, startTicks, ...legacy } = fake;
    const reused = { ...toRecord(fake), startTicks: (startTicks ?? 0) - 1 };
    const imposter = { ...legacy, argv: ['/usr/bin/llama-server', '--port', '5800'] };
    const gone = { ...legacy, pid: 2 ** 22 + 17, pgid: 2 ** 22 + 17 };
    writeFileSync(path, JSON.stringify({ entries: [reused] }));
    const registry = new OrphanRegistry(path);
    const first = await registry.reapOrphans();
    writeFileSync(path, JSON.stringify({ entries: [imposter, gone] }));
    const second = await registry.reapOrphans();

    expect([...first.reaped, ...second.reaped]).toEqual([]);
    expect([...first.skipped, ...second.skipped].map((s) => s.reason).sort()).toEqual(['cmdline-mismatch', 'gone', 'start-mismatch']);
    expect(isProcessGone(fake.pid)).toBe(false);
    expect(readEntries(path)).toEqual([]);
  });

  it('still reaps an entry of an older version (no owner, no start time) whose cmdline matches', async () => {
    const path = newStatePath();
    const { grandchild, startTicks: _, ...legacy } = await spawnDetachedFake();
    writeFileSync(path, JSON.stringify({ entries: [legacy] }));

    expect((await new OrphanRegistry(path).reapOrphans()).reaped).toMatchObject([{ pid: legacy.pid, ownerPid: null }]);
    expect(isProcessGone(legacy.pid)).toBe(true);
    expect(isProcessGone(grandchild)).toBe(true);
  });

  it('two daemons writing one file at once keep each other\'s entries', async () => {
    const path = newStatePath();
    const daemon = await spawnStandInDaemon();
    const theirs = new OrphanRegistry(path, { ownerPid: daemon.pid });
    const ours = new OrphanRegistry(path);
    const pids = Array.from({ length: 20 }, (_, i) => 100_000 + i);
    await Promise.all(pids.map((pid, i) => (i % 2 === 0 ? theirs : ours).add(record(pid))));
    expect(readEntries(path).map((e) => e.pid).sort()).toEqual(pids);

    // Asking to remove the other's entries changes nothing; each removes its own.
    await Promise.all(pids.map((pid, i) => (i % 2 === 0 ? ours : theirs).remove(pid)));
    expect(readEntries(path)).toHaveLength(20);
    await Promise.all(pids.map((pid, i) => (i % 2 === 0 ? null : ours.remove(pid))));
    expect(readEntries(path).map((e) => e.pid).sort()).toEqual(pids.filter((_, i) => i % 2 === 0));
    expect((await ours.reapOrphans()).kept).toHaveLength(10);
    expect(readEntries(path)).toHaveLength(10);
  });

  it('takes over the lock of a daemon that died in the middle of an update', async () => {
    const path = newStatePath();
    const daemon = await spawnStandInDaemon();
    await killStandIn(daemon);
    writeFileSync(`${path}.lock`, String(daemon.pid));
    await new OrphanRegistry(path).add(record(4343));
    expect(readEntries(path).map((e) => e.pid)).toEqual([4343]);
  });

  it('never reaps the live runs of its own daemon', async () => {
    const path = newStatePath();
    const registry = new OrphanRegistry(path);
    const harness = createHarness();
    const rec = harness.create(harness.model('mine'), { registry });
    try {
      await rec.proc.ensureReady();
      const pid = rec.proc.pid ?? -1;
      await registry.settled();
      expect(readEntries(path)).toMatchObject([{ pid, pgid: pid, modelId: 'mine', startTicks: getStartTicks(pid), ownerPid: process.pid }]);
      expect(await registry.reapOrphans()).toEqual({ reaped: [], skipped: [], survivors: [], kept: [] });
      expect(isProcessGone(pid)).toBe(false);
      await rec.proc.stop('unload');
      expect(await registry.list()).toEqual([]);
    } finally {
      await harness.cleanup();
    }
  });

  it('logs what it reaped (count, model ids, pids) and warns about what it would not kill', async () => {
    const path = newStatePath();
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      level: 'debug',
      toStdout: false,
      destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Record<string, unknown>) },
    });
    const fake = await spawnDetachedFake();
    const stranger = await spawnStandInDaemon();
    const reused = { ...toRecord(fake), modelId: 'reused', pid: stranger.pid, pgid: stranger.pid };
    writeFileSync(path, JSON.stringify({ entries: [toRecord(fake), reused] }));

    await new OrphanRegistry(path, { logger }).reapOrphans();
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, count: 1, models: ['orphan'], pids: [fake.pid] }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, model: 'reused', pid: stranger.pid, reason: 'start-mismatch' }));
    expect(isProcessGone(stranger.pid)).toBe(false);
  });

  it('tolerates a missing or damaged state file', async () => {
    const missing = new OrphanRegistry(join(stateDir, 'missing', 'x.json'));
    expect(await missing.reapOrphans()).toEqual({ reaped: [], skipped: [], survivors: [], kept: [] });
    const path = newStatePath();
    writeFileSync(path, '{"entries": [{"pid": "nope"}, {"pid": 5, "pgid": 5, "modelId": "m", "argv": [], "startedAt": 1, "ownerPid": "x"}]');
    expect((await new OrphanRegistry(path).reapOrphans()).reaped).toEqual([]);
  });
});
