// Every way a run ends takes its whole process tree with it, including a grandchild that called
// setsid() and so left the process group (test/fixtures/setsid-wrapper.mjs): the tree is
// collected before the first signal, and the stop is over only once every member is gone.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { createHarness, isProcessGone, killIfAlive, type Harness, type Recorded } from './process-harness.js';
import { listTree, readPidLine, readPpid, readSession, wrapperCmd } from './process-tree-fixture.js';

let harness: Harness = createHarness();
const strays: number[] = [];

afterEach(async () => {
  await harness.cleanup();
  strays.splice(0).forEach(killIfAlive);
  harness = createHarness();
});

interface Tree {
  readonly wrapper: number;
  readonly escapee: number;
  /** Every process of the run while it was ready: wrapper, helper, server, escapee. */
  readonly all: number[];
}

// Ready, with the escapee running in a session of its own.
async function startTree(rec: Recorded): Promise<Tree> {
  await rec.proc.ensureReady();
  const wrapper = rec.proc.pid ?? -1;
  await rec.waitForLine(/^SETSID \d+$/);
  const escapee = readPidLine(rec.lines, 'SETSID');
  strays.push(escapee);
  expect(readSession(escapee)).toBe(escapee); // it really left the group and the session
  const all = [...new Set([...listTree(wrapper), escapee])];
  strays.push(...all);
  expect(all.length).toBeGreaterThanOrEqual(3); // wrapper, server, escapee (and the helper unless it exited)
  return { wrapper, escapee, all };
}

const alive = (pids: readonly number[]): number[] => pids.filter((pid) => !isProcessGone(pid));

describe('stopping a run ends its whole process tree', () => {
  it('a normal unload leaves no process of the tree, the setsid grandchild included', async () => {
    const rec = harness.create(harness.model('a', { cmd: wrapperCmd() }));
    const tree = await startTree(rec);
    await rec.proc.stop('unload');
    expect(alive(tree.all)).toEqual([]);
  });

  it('also when the escapee was orphaned (its parent exited) before the unload', async () => {
    const rec = harness.create(harness.model('a', { cmd: wrapperCmd({ helperExits: true }) }));
    const tree = await startTree(rec);
    // Reparented away from the tree: a walk by parent pid from the wrapper cannot reach it.
    await waitFor(() => readPpid(tree.escapee) !== readPidLine(rec.lines, 'HELPER'), { what: 'the escapee to be reparented' });
    expect(listTree(tree.wrapper)).not.toContain(tree.escapee);
    await rec.proc.stop('unload');
    expect(alive(tree.all)).toEqual([]);
  });

  it('SIGTERM reaches the escapee too: the stop ends long before the SIGKILL deadline', async () => {
    const rec = harness.create(harness.model('a', { cmd: wrapperCmd(), unloadTimeoutMs: 60_000 }));
    const tree = await startTree(rec);
    const startedAt = Date.now();
    await rec.proc.stop('unload');
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    await rec.waitForLine(/^SIGTERM received$/);
    expect(alive(tree.all)).toEqual([]);
  });

  it('the main process crashing takes the rest of its tree with it', async () => {
    const rec = harness.create(harness.model('a', { cmd: wrapperCmd() }));
    const tree = await startTree(rec);
    process.kill(tree.wrapper, 'SIGKILL');
    await rec.waitForState('stopped');
    await waitFor(() => alive(tree.all).length === 0, { what: `the crashed run's tree (${alive(tree.all).join(', ')}) to be gone` });
  });

  it('a health timeout ends the tree, the setsid grandchild included', async () => {
    const rec = harness.create(harness.model('a', { cmd: wrapperCmd({}, '--fail-health'), healthCheckTimeoutMs: 1_500 }));
    const starting = rec.proc.ensureReady().catch((error: unknown) => error);
    await rec.waitForLine(/^SETSID \d+$/);
    const escapee = readPidLine(rec.lines, 'SETSID');
    strays.push(escapee);
    expect(await starting).toMatchObject({ code: 'upstream_start_failed' });
    expect(isProcessGone(escapee)).toBe(true);
  });
});
