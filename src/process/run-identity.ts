// How swapgate names the processes of one upstream run so that it can find them again, even
// from another daemon after a crash, and never mistake a stranger that got a reused pid for one
// of them: pid + start time (same boot), and the command line or the run's environment marker.
import { hasRunMarker, readCmdline } from './read-proc-identity.js';
import type { ProcStat } from './read-proc-stat.js';

/** One process of a run, named for good by pid and start time, with the command line it had. */
export interface ProcessRecord {
  readonly pid: number;
  /** Clock ticks since boot; null when unknown (no /proc). */
  readonly startTicks: number | null;
  readonly cmdline: readonly string[] | null;
}

/** What names one run's processes. */
export interface RunIdentity {
  /** The leader swapgate spawned; it leads its own process group and session (pgid = sid = pid). */
  readonly pid: number;
  readonly pgid: number;
  readonly startTicks: number | null;
  /** The value of SWAPGATE_RUN_ID in the run's environment; null for records of older versions. */
  readonly marker: string | null;
  /** Command lines the leader was seen with: the argv spawned, and what it exec'd into. */
  readonly cmdlines: ReadonlyArray<readonly string[]>;
  /** Descendants seen while the run was alive (they may have left its group and its tree since). */
  readonly descendants: readonly ProcessRecord[];
}

export function isSameArgv(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return a !== null && b !== null && a.length === b.length && a.every((arg, i) => arg === b[i]);
}

export function carriesMarker(run: RunIdentity, pid: number): boolean {
  return run.marker !== null && hasRunMarker(pid, run.marker);
}

export type IdentityVerdict = 'match' | 'start-mismatch' | 'cmdline-mismatch';

/**
 * Is the live process `stat` the recorded one? The start time must match (a reused pid starts
 * later), and so must one of the recorded command lines, unless the process carries the run's
 * marker (it exec'd or renamed itself after it was last seen). A record without a start time
 * (older versions) is judged by its command line alone.
 */
export function judgeIdentity(
  stat: ProcStat,
  recorded: { readonly startTicks: number | null; readonly cmdlines: ReadonlyArray<readonly string[] | null> },
  run: RunIdentity,
): IdentityVerdict {
  if (recorded.startTicks !== null && stat.startTicks !== recorded.startTicks) return 'start-mismatch';
  const cmdline = readCmdline(stat.pid);
  if (recorded.cmdlines.some((seen) => isSameArgv(cmdline, seen))) return 'match';
  return recorded.startTicks !== null && carriesMarker(run, stat.pid) ? 'match' : 'cmdline-mismatch';
}
