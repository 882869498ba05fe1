// Kills process groups left behind by a previous daemon run, but only those whose leader is
// provably the process we started: same pid AND same command line (guards against pid reuse).
import { readFile } from 'node:fs/promises';
import { isGroupAlive, isPidAlive, signalGroup, waitUntil } from './process-liveness.js';

/** One process group this daemon started, as recorded in the state file. */
export interface OrphanEntry {
  readonly pid: number;
  readonly pgid: number;
  readonly modelId: string;
  readonly argv: readonly string[];
  /** Unix milliseconds. */
  readonly startedAt: number;
}

export type ReapSkipReason = 'gone' | 'cmdline-mismatch';

export interface ReapReport {
  /** Entries whose group was alive and ours, and is now gone. */
  readonly reaped: readonly OrphanEntry[];
  readonly skipped: ReadonlyArray<{ readonly entry: OrphanEntry; readonly reason: ReapSkipReason }>;
  /** Entries that survived SIGKILL (should not happen outside of D-state processes). */
  readonly survivors: readonly OrphanEntry[];
}

export interface ReapOptions {
  /** Grace between SIGTERM and SIGKILL. Default 2000 ms. */
  readonly termGraceMs?: number;
}

const KILL_WAIT_MS = 5_000;

export async function reapEntries(entries: readonly OrphanEntry[], options: ReapOptions): Promise<ReapReport> {
  const reaped: OrphanEntry[] = [];
  const skipped: Array<{ entry: OrphanEntry; reason: ReapSkipReason }> = [];
  const survivors: OrphanEntry[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (!isPidAlive(entry.pid)) return void skipped.push({ entry, reason: 'gone' });
      if (!(await isSameCommand(entry))) return void skipped.push({ entry, reason: 'cmdline-mismatch' });
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

async function isSameCommand(entry: OrphanEntry): Promise<boolean> {
  const cmdline = await readCmdline(entry.pid);
  return cmdline !== null && cmdline.length === entry.argv.length && cmdline.every((arg, i) => arg === entry.argv[i]);
}

async function killGroup(pgid: number, termGraceMs: number): Promise<boolean> {
  const isGone = (): boolean => !isGroupAlive(pgid);
  signalGroup(pgid, 'SIGTERM');
  if (await waitUntil(isGone, { timeoutMs: termGraceMs })) return true;
  signalGroup(pgid, 'SIGKILL');
  return waitUntil(isGone, { timeoutMs: KILL_WAIT_MS });
}
