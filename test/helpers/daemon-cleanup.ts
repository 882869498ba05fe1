// Process-tree cleanup for the daemons startDaemon() runs: which pids a daemon started (its
// children in /proc, its state file), and stopAllDaemons() (for afterEach), which SIGKILLs every
// daemon and every upstream process group it was seen to start, even when a test failed half-way.
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isPidAlive } from '../../src/process/process-liveness.js';
import { waitFor } from './wait-for.js';

export const CLEANUP_KILL_WAIT_MS = 10_000;

export interface Tracked {
  /** /proc/<pid>/cmdline when first seen, so cleanup never kills a recycled pid. */
  readonly cmdline: string | null;
}

/** What cleanup needs of a daemon (a Daemon from daemon.ts). */
export interface CleanupTarget {
  readonly stateDir: string;
  readonly exited: Promise<unknown>;
  isRunning(): boolean;
  kill(): Promise<unknown>;
}

interface Owned {
  readonly daemon: CleanupTarget;
  readonly tracked: Map<number, Tracked>;
  readonly tempDirs: string[];
}

const owned = new Set<Owned>();

/** Makes stopAllDaemons() stop `daemon`, kill the pids in `tracked` (live map) and remove `tempDirs`. */
export function registerForCleanup(daemon: CleanupTarget, tracked: Map<number, Tracked>, tempDirs: string[]): void {
  owned.add({ daemon, tracked, tempDirs });
}

export function readCmdline(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null; // gone already (or no /proc): nothing to compare against later
  }
}

/** Pids whose parent is `pid` (upstream leaders are direct children of the daemon). */
export function listChildren(pid: number): number[] {
  const children: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return children; // no /proc: cleanup falls back to /running and the state file
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(name));
    } catch {
      // exited while we were looking: not a child to clean up
    }
  }
  return children;
}

/** Entries of every swapgate state file in dir (what a daemon started and has not seen exit). */
export async function readStateEntries(dir: string): Promise<Array<{ pid: number; pgid: number; argv: string[] }>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return []; // no state dir yet: nothing was ever started
  }
  const entries: Array<{ pid: number; pgid: number; argv: string[] }> = [];
  for (const name of names.filter((n) => /^swapgate-.*\.json$/.test(n))) {
    try {
      const data = JSON.parse(await readFile(join(dir, name), 'utf8')) as { entries?: Array<{ pid: number; pgid: number; argv: string[] }> };
      entries.push(...(data.entries ?? []));
    } catch {
      // a half-written file from a killed daemon: the pids seen in /running still get cleaned up
    }
  }
  return entries;
}

function killPidAndGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // ESRCH: already gone (or not a group leader), which is what we want
    }
  }
}

/** For afterEach: SIGKILLs every daemon and every upstream group they started; removes temp dirs. */
export async function stopAllDaemons(): Promise<void> {
  const all = [...owned];
  owned.clear();
  await Promise.all(all.map(({ daemon }) => (daemon.isRunning() ? daemon.kill() : daemon.exited)));
  const leftovers: number[] = [];
  for (const { daemon, tracked, tempDirs } of all) {
    for (const entry of await readStateEntries(daemon.stateDir)) {
      if (!tracked.has(entry.pid)) tracked.set(entry.pid, { cmdline: `${entry.argv.join('\0')}\0` });
    }
    for (const [pid, { cmdline }] of tracked) {
      if (!isPidAlive(pid)) continue;
      if (cmdline !== null && readCmdline(pid) !== cmdline) continue; // recycled pid: not ours
      killPidAndGroup(pid);
      leftovers.push(pid);
    }
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
  await waitFor(() => leftovers.every((pid) => !isPidAlive(pid)), {
    timeoutMs: CLEANUP_KILL_WAIT_MS,
    what: `leftover upstream pids ${leftovers.join(', ')} to die`,
  });
}
