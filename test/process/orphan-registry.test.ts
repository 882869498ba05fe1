import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { getOrphanStatePath, OrphanRegistry, type OrphanEntry } from '../../src/process/orphan-registry.js';
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

// Like a daemon that was SIGKILLed: the upstream leads its own group and nobody waits for it.
async function spawnDetachedFake(): Promise<OrphanEntry> {
  const argv = [process.execPath, FAKE_UPSTREAM, '--port', '0', '--spawn-child'];
  const child = spawn(argv[0] ?? '', argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = child.pid ?? -1;
  strays.push(pid);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  await waitFor(() => /READY \d+/.test(output), { what: 'the detached fake to be READY' });
  strays.push(Number(/CHILD (\d+)/.exec(output)?.[1]));
  child.stdout.destroy();
  child.unref();
  return { pid, pgid: pid, modelId: 'orphan', argv, startedAt: Date.now() };
}

function readEntries(path: string): unknown[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { entries: unknown[] }).entries;
}

describe('OrphanRegistry', () => {
  it('names the state file after a hash of the daemon name', () => {
    expect(getOrphanStatePath('/var/lib/swapgate', '127.0.0.1:8080')).toMatch(/^\/var\/lib\/swapgate\/swapgate-[0-9a-f]{12}\.json$/);
    expect(getOrphanStatePath('/x', 'a')).not.toBe(getOrphanStatePath('/x', 'b'));
  });

  it('records entries in the file and removes them', async () => {
    const path = newStatePath();
    const registry = new OrphanRegistry(path);
    const entry: OrphanEntry = { pid: 4242, pgid: 4242, modelId: 'm', argv: ['x', 'y'], startedAt: 1 };
    await registry.add(entry);
    expect(readEntries(path)).toEqual([entry]);
    await registry.remove(4242);
    expect(readEntries(path)).toEqual([]);
  });

  it('reaps a recorded group that is still alive after its daemon died, then clears the file', async () => {
    const path = newStatePath();
    const entry = await spawnDetachedFake();
    const grandchild = strays.at(-1) ?? -1;
    await new OrphanRegistry(path).add(entry);

    const report = await new OrphanRegistry(path).reapOrphans();
    expect(report.reaped).toEqual([entry]);
    expect(isProcessGone(entry.pid)).toBe(true);
    expect(isProcessGone(grandchild)).toBe(true);
    expect(readEntries(path)).toEqual([]);
  });

  it('leaves alone a live pid whose command line does not match (pid reuse)', async () => {
    const path = newStatePath();
    const entry = await spawnDetachedFake();
    const registry = new OrphanRegistry(path);
    const imposter = { ...entry, argv: ['/usr/bin/llama-server', '--port', '5800'] };
    writeFileSync(path, JSON.stringify({ entries: [imposter, { ...entry, pid: 2 ** 22 + 17, pgid: 2 ** 22 + 17 }] }));

    const report = await registry.reapOrphans();
    expect(report.reaped).toEqual([]);
    expect(report.skipped.map((s) => s.reason).sort()).toEqual(['cmdline-mismatch', 'gone']);
    expect(isProcessGone(entry.pid)).toBe(false);
    expect(readEntries(path)).toEqual([]);
  });

  it('never reaps the live runs of its own daemon', async () => {
    const path = newStatePath();
    const registry = new OrphanRegistry(path);
    const harness = createHarness();
    const rec = harness.create(harness.model('mine'), { registry });
    try {
      await rec.proc.ensureReady();
      const pid = rec.proc.pid ?? -1;
      expect(readEntries(path)).toMatchObject([{ pid, pgid: pid, modelId: 'mine' }]);
      expect((await registry.reapOrphans()).reaped).toEqual([]);
      expect(isProcessGone(pid)).toBe(false);
      await rec.proc.stop('unload');
      expect(readEntries(path)).toEqual([]);
    } finally {
      await harness.cleanup();
    }
  });

  it('tolerates a missing or damaged state file', async () => {
    expect(await new OrphanRegistry(join(stateDir, 'missing', 'x.json')).reapOrphans()).toEqual({ reaped: [], skipped: [], survivors: [] });
    const path = newStatePath();
    writeFileSync(path, '{"entries": [{"pid": "nope"}');
    expect((await new OrphanRegistry(path).reapOrphans()).reaped).toEqual([]);
  });
});
