// Kills process groups left behind by a dead daemon, but only those whose leader is provably
// the process that daemon started: same pid AND same start time (a reused pid starts later; an
// exec keeps both, so `env X=1 server …` or a wrapper script that execs is still recognised).
import { readFile } from 'node:fs/promises';
import { getStartTicks, isGroupAlive, isPidAlive, signalGroup, waitUntil } from './process-liveness.js';

/** One process group a daemon started, as recorded in the state file. */
export interface OrphanEntry {
  readonly pid: number;
  readonly pgid: number;
  readonly modelId: string;
  readonly argv: readonly string[];
  /** Unix milliseconds. */
  readonly startedAt: number;
  /** The leader's start time (clock ticks since boot); null when unknown (no /proc, older file). */
  readonly startTicks: number | null;
  /** The daemon that started it, and that daemon's start time; null in files of older versions. */
  readonly ownerPid: number | null;
  readonly ownerStartTicks: number | null;
}

/** A daemon, named for good by its pid and start time. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTicks: number | null;
}

export type ReapSkipReason = 'gone' | 'start-mismatch' | 'cmdline-mismatch';

export interface ReapReport {
  /** Entries whose group was alive and ours, and is now gone. */
  readonly reaped: readonly OrphanEntry[];
  /** Entries of dead daemons that were not killed: the process is gone, or the pid is someone else's now. */
  readonly skipped: ReadonlyArray<{ readonly entry: OrphanEntry; readonly reason: ReapSkipReason }>;
  /** Entries that survived SIGKILL (should not happen outside of D-state processes). */
  readonly survivors: readonly OrphanEntry[];
  /** Entries of another daemon that is still running: left alone, and left in the file. */
  readonly kept: readonly OrphanEntry[];
}

export interface ReapOptions {
  /** Grace between SIGTERM and SIGKILL. Default 2000 ms. */
  readonly termGraceMs?: number;
}

const KILL_WAIT_MS = 5_000;

/** True while the daemon that recorded the entry runs (an entry of an older version has no owner: dead). */
export function isOwnerAlive(entry: OrphanEntry): boolean {
  if (entry.ownerPid === null || !isPidAlive(entry.ownerPid)) return false;
  // Without a recorded start time a live pid cannot be told from a reused one; keeping is the safe side.
  return entry.ownerStartTicks === null || getStartTicks(entry.ownerPid) === entry.ownerStartTicks;
}

export function isOwnedBy(entry: OrphanEntry, owner: ProcessIdentity): boolean {
  return entry.ownerPid === owner.pid && entry.ownerStartTicks === owner.startTicks;
}

export async function reapEntries(
  entries: readonly OrphanEntry[],
  options: ReapOptions,
): Promise<Omit<ReapReport, 'kept'>> {
  const reaped: OrphanEntry[] = [];
  const skipped: Array<{ entry: OrphanEntry; reason: ReapSkipReason }> = [];
  const survivors: OrphanEntry[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (!isPidAlive(entry.pid)) return void skipped.push({ entry, reason: 'gone' });
      const mismatch = await findIdentityMismatch(entry);
      if (mismatch !== null) return void skipped.push({ entry, reason: mismatch });
      if (await killGroup(entry.pgid, options.termGraceMs ?? 2_000)) reaped.push(entry);
      else survivors.push(entry);
    }),
  );
  return { reaped, skipped, survivors };
}

/** /proc/<pid>/cmdline is the exec'd argv, NUL-separated (with a trailing NUL). */
export async function readCmdline(pid: number): Promise<string[] | null> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').slice(0, raw.endsWith('\0') ? -1 : undefined);
  } catch {
    return null; // gone meanwhile, or no /proc: identity cannot be proven, so it is not ours
  }
}

// The start time decides when it was recorded; the command line is only the fallback for
// entries without one (it misses a command that exec'd, but never kills a stranger).
async function findIdentityMismatch(entry: OrphanEntry): Promise<ReapSkipReason | null> {
  if (entry.startTicks !== null) return getStartTicks(entry.pid) === entry.startTicks ? null : 'start-mismatch';
  const cmdline = await readCmdline(entry.pid);
  const same = cmdline !== null && cmdline.length === entry.argv.length && cmdline.every((arg, i) => arg === entry.argv[i]);
  return same ? null : 'cmdline-mismatch';
}

async function killGroup(pgid: number, termGraceMs: number): Promise<boolean> {
  const isGone = (): boolean => !isGroupAlive(pgid);
  signalGroup(pgid, 'SIGTERM');
  if (await waitUntil(isGone, { timeoutMs: termGraceMs })) return true;
  signalGroup(pgid, 'SIGKILL');
  return waitUntil(isGone, { timeoutMs: KILL_WAIT_MS });
}
