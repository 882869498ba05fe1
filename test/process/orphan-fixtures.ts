// Real processes standing in for what a dead daemon left behind (an upstream leading its own
// group, optionally a whole setsid wrapper tree carrying a run marker) and for other daemons,
// plus readers of the state files the registry writes.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../../src/process/orphan-registry.js';
import { getStartTicks } from '../../src/process/process-liveness.js';
import { readCmdline, RUN_MARKER_VAR } from '../../src/process/read-proc-identity.js';
import { FAKE_UPSTREAM } from '../helpers/model-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { killIfAlive } from './process-harness.js';
import { listTree, readPidLine, SETSID_WRAPPER } from './process-tree-fixture.js';

/** Every pid a test made; killed after each test whatever happened. */
export const strays: number[] = [];

export function killStrays(): void {
  strays.splice(0).forEach(killIfAlive);
}

export interface Orphan {
  readonly record: RunRecord;
  /** --spawn-child's child (fake), or the wrapper's helper (tree). */
  readonly child: number;
  /** The wrapper tree's setsid'd grandchild; NaN for a plain fake. */
  readonly escapee: number;
}

// Like an upstream whose daemon was SIGKILLed: it leads its own group and nobody waits for it.
// Recorded as the daemon does: the argv spawned, the command line it runs now, its start time.
async function spawnOrphan(argv: string[], marker: string | null, childPrefix: string): Promise<Orphan> {
  const env = marker === null ? process.env : { ...process.env, [RUN_MARKER_VAR]: marker };
  const proc = spawn(argv[0] ?? '', argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'ignore'], env });
  const pid = proc.pid ?? -1;
  strays.push(pid);
  let output = '';
  proc.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  await waitFor(() => /READY \d+/.test(output), { what: 'the orphan to be READY' });
  const lines = output.split('\n');
  const child = readPidLine(lines, childPrefix);
  const escapee = readPidLine(lines, 'SETSID');
  strays.push(...listTree(pid), escapee);
  proc.stdout.destroy();
  proc.unref();
  const cmdline = readCmdline(pid) ?? argv;
  const record: RunRecord = {
    pid,
    pgid: pid,
    modelId: 'orphan',
    argv,
    startedAt: Date.now(),
    startTicks: getStartTicks(pid),
    marker,
    cmdlines: [argv, cmdline],
    descendants: [],
  };
  return { record, child, escapee };
}

/** The fake upstream with --spawn-child, behind `prefix` (e.g. env …, which execs). */
export function spawnOrphanFake(prefix: readonly string[] = [], marker: string | null = null): Promise<Orphan> {
  return spawnOrphan([...prefix, process.execPath, FAKE_UPSTREAM, '--port', '0', '--spawn-child'], marker, 'CHILD');
}

/** The setsid wrapper running the fake: a helper in the group, an escapee in its own session. */
export function spawnOrphanTree(marker: string | null): Promise<Orphan> {
  return spawnOrphan([process.execPath, SETSID_WRAPPER, '--port', '0'], marker, 'HELPER');
}

// Stands in for another daemon: alive until the test kills it.
export async function spawnStandInDaemon(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  strays.push(child.pid ?? -1);
  return child as ChildProcess & { pid: number };
}

export async function killStandIn(daemon: ChildProcess & { pid: number }): Promise<void> {
  const exited = once(daemon, 'exit');
  daemon.kill('SIGKILL');
  await exited;
}

export interface StateFileJson {
  readonly version?: number;
  readonly daemon?: { pid: number; startTicks: number | null; bootId: string | null };
  readonly entries: Array<Record<string, unknown> & { pid: number }>;
}

/** Every swapgate state file in dir, by file name. */
export function readStateFiles(dir: string): Record<string, StateFileJson> {
  const files: Record<string, StateFileJson> = {};
  for (const name of readdirSync(dir).filter((n) => /^swapgate-.*\.json$/.test(n))) {
    files[name] = JSON.parse(readFileSync(join(dir, name), 'utf8')) as StateFileJson;
  }
  return files;
}

/** The pids of every entry in every state file of dir. */
export function listRecordedPids(dir: string): number[] {
  return Object.values(readStateFiles(dir)).flatMap((file) => file.entries.map((entry) => entry.pid));
}
