// The state directory: one file per daemon, whatever its --listen; a booting daemon reaps the
// runs of every dead daemon's file and leaves the files of live ones alone.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OrphanRegistry, type RunRecord } from '../../src/process/orphan-registry.js';
import { getStartTicks } from '../../src/process/process-liveness.js';
import { readBootId } from '../../src/process/read-proc-identity.js';
import { createLogger } from '../../src/shared/logger.js';
import { createHarness, isProcessGone } from './process-harness.js';
import { killStandIn, killStrays, listRecordedPids, readStateFiles, spawnOrphanFake, spawnStandInDaemon } from './orphan-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'swapgate-orphans-'));
let dirCount = 0;
afterEach(killStrays);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh state directory, as a user's would be. */
function newStateDir(): string {
  return join(root, `state-${dirCount++}`);
}

function record(pid: number, modelId = 'm'): RunRecord {
  return { pid, pgid: pid, modelId, argv: ['x', 'y'], startedAt: 1, startTicks: 7, marker: null, cmdlines: [['x', 'y']], descendants: [] };
}

const NOTHING = { reaped: [], processes: [], skipped: [], survivors: [], kept: [] };

describe('OrphanRegistry', () => {
  it('writes one file per daemon, named after and holding its pid and start time, and removes it when empty', async () => {
    const dir = newStateDir();
    const registry = new OrphanRegistry(dir);
    const ticks = getStartTicks(process.pid);
    expect(registry.filePath).toBe(join(dir, `swapgate-${process.pid}-${ticks}.json`));
    await registry.add(record(4242));
    expect(readStateFiles(dir)).toEqual({
      [`swapgate-${process.pid}-${ticks}.json`]: {
        version: 2,
        daemon: { pid: process.pid, startTicks: ticks, bootId: readBootId() },
        entries: [record(4242)],
      },
    });
    await registry.remove(4242, 7);
    expect(readStateFiles(dir)).toEqual({});
  });

  it('leaves the upstreams of a live daemon alone, and reaps them once that daemon died', async () => {
    const dir = newStateDir();
    const fake = await spawnOrphanFake();
    const daemon = await spawnStandInDaemon();
    await new OrphanRegistry(dir, { ownerPid: daemon.pid }).add(fake.record);
    const booting = new OrphanRegistry(dir);

    const first = await booting.reapOrphans();
    expect(first).toMatchObject({ reaped: [], skipped: [], survivors: [], kept: [{ pid: fake.record.pid, ownerPid: daemon.pid }] });
    expect(isProcessGone(fake.record.pid)).toBe(false);
    expect(listRecordedPids(dir)).toEqual([fake.record.pid]);

    await killStandIn(daemon);
    const second = await booting.reapOrphans();
    expect(second.reaped).toMatchObject([{ pid: fake.record.pid, modelId: 'orphan' }]);
    expect([...second.processes].sort()).toEqual([fake.record.pid, fake.child].sort());
    expect(isProcessGone(fake.record.pid)).toBe(true);
    expect(isProcessGone(fake.child)).toBe(true);
    expect(readStateFiles(dir)).toEqual({}); // the dead daemon's file is gone, and ours was emptied
  });

  it('reaps the files of every dead daemon, whatever address they listened on, in one boot', async () => {
    const dir = newStateDir();
    const [a, b] = await Promise.all([spawnOrphanFake(), spawnOrphanFake()]);
    const [deadA, deadB, live] = await Promise.all([spawnStandInDaemon(), spawnStandInDaemon(), spawnStandInDaemon()]);
    const c = await spawnOrphanFake();
    await new OrphanRegistry(dir, { ownerPid: deadA.pid }).add(a.record);
    await new OrphanRegistry(dir, { ownerPid: deadB.pid }).add(b.record);
    await new OrphanRegistry(dir, { ownerPid: live.pid }).add(c.record);
    await Promise.all([killStandIn(deadA), killStandIn(deadB)]);

    const report = await new OrphanRegistry(dir).reapOrphans();
    expect(report.reaped.map((e) => e.pid).sort()).toEqual([a.record.pid, b.record.pid].sort());
    expect(report.kept.map((e) => e.pid)).toEqual([c.record.pid]);
    expect([a.record.pid, a.child, b.record.pid, b.child].filter((pid) => !isProcessGone(pid))).toEqual([]);
    expect(isProcessGone(c.record.pid)).toBe(false);
    expect(Object.keys(readStateFiles(dir))).toEqual([`swapgate-${live.pid}-${getStartTicks(live.pid)}.json`]);
  });

  it('treats a live daemon whose pid was reused (another start time) as dead', async () => {
    const dir = newStateDir();
    const fake = await spawnOrphanFake();
    const stranger = await spawnStandInDaemon();
    const daemon = { pid: stranger.pid, startTicks: (getStartTicks(stranger.pid) ?? 0) - 1, bootId: readBootId() };
    mkdir(dir);
    writeFileSync(join(dir, `swapgate-${stranger.pid}-1.json`), JSON.stringify({ version: 2, daemon, entries: [fake.record] }));

    expect((await new OrphanRegistry(dir).reapOrphans()).reaped).toMatchObject([{ pid: fake.record.pid }]);
    expect(isProcessGone(fake.record.pid)).toBe(true);
    expect(isProcessGone(stranger.pid)).toBe(false);
  });

  it('still reads the shared file of an older version: reaps the dead owners\' entries, keeps the live one\'s', async () => {
    const dir = newStateDir();
    const [legacy, owned] = await Promise.all([spawnOrphanFake(), spawnOrphanFake()]);
    const live = await spawnStandInDaemon();
    const old = (r: RunRecord): Record<string, unknown> => ({ pid: r.pid, pgid: r.pgid, modelId: r.modelId, argv: r.argv, startedAt: r.startedAt });
    const entries = [old(legacy.record), { ...old(owned.record), startTicks: owned.record.startTicks, ownerPid: live.pid, ownerStartTicks: getStartTicks(live.pid) }];
    mkdir(dir);
    writeFileSync(join(dir, 'swapgate-0123456789ab.json'), JSON.stringify({ entries }));

    const report = await new OrphanRegistry(dir).reapOrphans();
    expect(report.reaped).toMatchObject([{ pid: legacy.record.pid, ownerPid: null }]);
    expect(isProcessGone(legacy.record.pid)).toBe(true);
    expect(isProcessGone(legacy.child)).toBe(true);
    expect(isProcessGone(owned.record.pid)).toBe(false);
    expect(readStateFiles(dir)['swapgate-0123456789ab.json']?.entries).toMatchObject([{ pid: owned.record.pid, ownerPid: live.pid }]);
  });

  it('two daemons booting at once reap each orphan once', async () => {
    const dir = newStateDir();
    const fakes = await Promise.all([spawnOrphanFake(), spawnOrphanFake(), spawnOrphanFake()]);
    const dead = await spawnStandInDaemon();
    const other = await spawnStandInDaemon();
    const theirs = new OrphanRegistry(dir, { ownerPid: dead.pid });
    for (const fake of fakes) await theirs.add(fake.record);
    await killStandIn(dead);

    const reports = await Promise.all([new OrphanRegistry(dir).reapOrphans(), new OrphanRegistry(dir, { ownerPid: other.pid }).reapOrphans()]);
    const reaped = reports.flatMap((r) => r.reaped.map((e) => e.pid));
    expect(reaped.sort()).toEqual(fakes.map((f) => f.record.pid).sort());
    expect(fakes.filter((f) => !isProcessGone(f.record.pid))).toEqual([]);
    expect(listRecordedPids(dir)).toEqual([]);
  });

  it('takes over the lock of a daemon that died in the middle of an update', async () => {
    const dir = newStateDir();
    const daemon = await spawnStandInDaemon();
    await killStandIn(daemon);
    const registry = new OrphanRegistry(dir);
    mkdir(dir);
    writeFileSync(`${registry.filePath}.lock`, String(daemon.pid));
    await registry.add(record(4343));
    expect(listRecordedPids(dir)).toEqual([4343]);
  });

  it('never reaps the live runs of its own daemon, and forgets a run once it is stopped', async () => {
    const dir = newStateDir();
    const registry = new OrphanRegistry(dir);
    const harness = createHarness();
    const rec = harness.create(harness.model('mine'), { registry });
    try {
      await rec.proc.ensureReady();
      const pid = rec.proc.pid ?? -1;
      await registry.settled();
      expect(await registry.list()).toMatchObject([{ pid, pgid: pid, modelId: 'mine', startTicks: getStartTicks(pid), ownerPid: process.pid }]);
      expect(await registry.reapOrphans()).toEqual(NOTHING);
      expect(isProcessGone(pid)).toBe(false);
      await rec.proc.stop('unload');
      expect(await registry.list()).toEqual([]);
    } finally {
      await harness.cleanup();
    }
  });

  it('logs what it reaped (count, model ids, pids) and warns about what it would not kill', async () => {
    const dir = newStateDir();
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      level: 'debug',
      toStdout: false,
      destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Record<string, unknown>) },
    });
    const fake = await spawnOrphanFake();
    const stranger = await spawnStandInDaemon();
    const reused = { ...fake.record, modelId: 'reused', pid: stranger.pid, pgid: stranger.pid };
    const dead = await spawnStandInDaemon();
    const theirs = new OrphanRegistry(dir, { ownerPid: dead.pid });
    await Promise.all([theirs.add(fake.record), theirs.add(reused)]);
    await killStandIn(dead);

    await new OrphanRegistry(dir, { logger }).reapOrphans();
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, count: 1, models: ['orphan'], pids: [fake.record.pid] }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, model: 'reused', pid: stranger.pid, reason: 'start-mismatch' }));
    expect(isProcessGone(stranger.pid)).toBe(false);
  });

  it('tolerates a missing directory and damaged files', async () => {
    expect(await new OrphanRegistry(join(newStateDir(), 'missing')).reapOrphans()).toEqual(NOTHING);
    const dir = newStateDir();
    mkdir(dir);
    writeFileSync(join(dir, 'swapgate-1-2.json'), '{"entries": [{"pid": "nope"}, {"pid": 5, "pgid": 5, "modelId": "m", "argv": [], "startedAt": 1, "ownerPid": "x"}]');
    writeFileSync(join(dir, 'swapgate-3-4.json'), '{"version": 2, "daemon": {"pid": 3, "startTicks": 4}, "entri');
    expect((await new OrphanRegistry(dir).reapOrphans()).reaped).toEqual([]);
  });
});

function mkdir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}
