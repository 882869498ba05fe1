// What a booting daemon may kill of a dead daemon's runs: every process provably of the run
// (same boot, same start time, and a recorded command line or the run's marker in its
// environment), also when the run's leader is long gone, and nothing else: a pid that now
// names another process is left alone.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OrphanRegistry, type RunRecord } from '../../src/process/orphan-registry.js';
import { getStartTicks } from '../../src/process/process-liveness.js';
import { hasRunMarker, readCmdline } from '../../src/process/read-proc-identity.js';
import { waitFor } from '../helpers/wait-for.js';
import { createHarness, isProcessGone } from './process-harness.js';
import { killStandIn, killStrays, spawnOrphanFake, spawnOrphanTree, spawnStandInDaemon, strays } from './orphan-fixtures.js';
import { listTree, readPidLine, wrapperCmd } from './process-tree-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'swapgate-reap-identity-'));
let dirCount = 0;
afterEach(killStrays);
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Records the runs as a daemon's that then dies; returns a fresh daemon's registry on that dir.
async function orphanAll(records: readonly RunRecord[]): Promise<OrphanRegistry> {
  const dir = join(root, `state-${dirCount++}`);
  const daemon = await spawnStandInDaemon();
  const dying = new OrphanRegistry(dir, { ownerPid: daemon.pid });
  for (const record of records) await dying.add(record);
  await killStandIn(daemon);
  return new OrphanRegistry(dir);
}

const alive = (pids: readonly number[]): number[] => pids.filter((pid) => !isProcessGone(pid));

describe('reaping guards against pid reuse', () => {
  it('leaves alone a live pid with another start time, or with a command line never recorded', async () => {
    const [a, b] = await Promise.all([spawnOrphanFake(), spawnOrphanFake()]);
    const otherStart = { ...a.record, startTicks: (a.record.startTicks ?? 0) - 1 };
    const otherCmdline = { ...b.record, argv: ['/usr/bin/llama-server', '--port', '5800'], cmdlines: [['/usr/bin/llama-server', '--port', '5800']] };
    const report = await (await orphanAll([otherStart, otherCmdline])).reapOrphans();

    expect(report.reaped).toEqual([]);
    expect(report.skipped.map((s) => [s.entry.pid, s.reason])).toEqual(
      expect.arrayContaining([
        [a.record.pid, 'start-mismatch'],
        [b.record.pid, 'cmdline-mismatch'],
      ]),
    );
    expect(alive([a.record.pid, a.child, b.record.pid, b.child])).toEqual([a.record.pid, a.child, b.record.pid, b.child]);
  });

  it('judges a record of an older version (no start time) by its command line alone', async () => {
    const fake = await spawnOrphanFake();
    const imposter = { ...fake.record, startTicks: null, argv: ['/usr/bin/llama-server'], cmdlines: [['/usr/bin/llama-server']] };
    expect((await (await orphanAll([imposter])).reapOrphans()).skipped).toMatchObject([{ reason: 'cmdline-mismatch' }]);
    expect(isProcessGone(fake.record.pid)).toBe(false);
  });

  it('forgets the records of another boot without killing anything', async () => {
    const fake = await spawnOrphanFake();
    const dir = join(root, `state-${dirCount++}`);
    mkdirSync(dir, { recursive: true });
    const daemon = { pid: 999_999, startTicks: 1, bootId: 'a-boot-long-ago' };
    writeFileSync(join(dir, 'swapgate-999999-1.json'), JSON.stringify({ version: 2, daemon, entries: [fake.record] }));
    const report = await new OrphanRegistry(dir).reapOrphans();
    expect(report.skipped).toMatchObject([{ reason: 'other-boot' }]);
    expect(alive([fake.record.pid, fake.child])).toHaveLength(2);
  });

  it('reaps a command that exec\'d (env …, sh -c "exec …") by its start time and the command line seen after the exec', async () => {
    const viaEnv = await spawnOrphanFake(['env', 'SWAPGATE_TEST=1']);
    const viaShell = await spawnOrphanFake(['sh', '-c', 'exec "$0" "$@"']);
    for (const fake of [viaEnv, viaShell]) expect(readCmdline(fake.record.pid)?.[0]).toBe(process.execPath);
    const report = await (await orphanAll([viaEnv.record, viaShell.record])).reapOrphans();
    expect(report.reaped.map((e) => e.pid).sort()).toEqual([viaEnv.record.pid, viaShell.record.pid].sort());
    expect(alive([viaEnv.record.pid, viaEnv.child, viaShell.record.pid, viaShell.child])).toEqual([]);
  });

  it('reaps one that exec\'d after it was last seen when it carries the run\'s marker', async () => {
    const fake = await spawnOrphanFake(['env', 'SWAPGATE_TEST=1'], 'run-marker-exec');
    const seenBeforeExec = { ...fake.record, cmdlines: [fake.record.argv] };
    expect((await (await orphanAll([seenBeforeExec])).reapOrphans()).reaped).toHaveLength(1);
    expect(alive([fake.record.pid, fake.child])).toEqual([]);
  });
});

describe('reaping what is left when the leader is gone', () => {
  it('an upstream whose main process already exited: its group and its setsid\'d grandchild are reaped by the run marker', async () => {
    const tree = await spawnOrphanTree('run-marker-leader-gone');
    const rest = listTree(tree.record.pid).filter((pid) => pid !== tree.record.pid);
    strays.push(...rest);
    expect(rest).toEqual(expect.arrayContaining([tree.child, tree.escapee]));
    process.kill(tree.record.pid, 'SIGKILL');
    await waitFor(() => isProcessGone(tree.record.pid), { what: 'the leader to be gone' });
    expect(alive(rest)).toEqual(rest);

    const report = await (await orphanAll([tree.record])).reapOrphans();
    expect(report.reaped).toMatchObject([{ pid: tree.record.pid }]);
    expect([...report.processes].sort()).toEqual([...rest].sort());
    expect(alive(rest)).toEqual([]);
  });

  it('without a marker, only the descendants recorded with the same start time and command line', async () => {
    const tree = await spawnOrphanTree(null);
    const recordOf = (pid: number, cmdline: string[] | null): RunRecord['descendants'][number] => ({ pid, startTicks: getStartTicks(pid), cmdline });
    const record: RunRecord = {
      ...tree.record,
      // The helper is recorded with a command line it never had: it cannot be proven to be the same process.
      descendants: [recordOf(tree.escapee, readCmdline(tree.escapee)), recordOf(tree.child, ['/usr/bin/not-the-helper'])],
    };
    process.kill(tree.record.pid, 'SIGKILL');
    await waitFor(() => isProcessGone(tree.record.pid), { what: 'the leader to be gone' });

    const report = await (await orphanAll([record])).reapOrphans();
    expect(report.processes).toEqual([tree.escapee]);
    expect(isProcessGone(tree.escapee)).toBe(true);
    expect(isProcessGone(tree.child)).toBe(false);
  });
});

describe('the daemon side', () => {
  it('records the processes of a run as they are found, with start time, command line and the marker they carry', async () => {
    const dir = join(root, `state-${dirCount++}`);
    const registry = new OrphanRegistry(dir);
    const harness = createHarness();
    const rec = harness.create(harness.model('w', { cmd: wrapperCmd() }), { registry });
    try {
      await rec.proc.ensureReady();
      const escapee = readPidLine(rec.lines, 'SETSID');
      strays.push(escapee);
      const entry = await waitFor(async () => (await registry.list()).find((e) => e.descendants.some((d) => d.pid === escapee)), {
        what: 'the escapee in the state file',
      });
      expect(entry.descendants).toContainEqual({ pid: escapee, startTicks: getStartTicks(escapee), cmdline: ['sleep', '1000000'] });
      expect(entry.marker).not.toBeNull();
      expect(hasRunMarker(escapee, entry.marker ?? '')).toBe(true);
    } finally {
      await harness.cleanup();
    }
  });
});
