// Ends what is left of upstream runs recorded by a daemon that is gone: the leader when it is
// provably the process that daemon started, and every other process of the run that is alive
// and provably of it (see collectRunMembers), also when the leader itself exited long ago.
// Proof against pid reuse: the same boot, the same start time, and a recorded command line or
// the run's marker in the environment. What cannot be proven is left alone.
import { collectRunMembers, type CollectOptions } from './collect-run-members.js';
import { endProcessTree, type ProcessTree } from './end-process-tree.js';
import { getStartTicks, isPidAlive } from './process-liveness.js';
import { readBootId } from './read-proc-identity.js';
import { isDeadState, readProcessTable, type ProcStat } from './read-proc-stat.js';
import { judgeIdentity, type IdentityVerdict, type RunIdentity } from './run-identity.js';

/** One upstream run a daemon started, as recorded in its state file. */
export interface OrphanEntry extends RunIdentity {
  readonly modelId: string;
  /** The argv it was spawned with. */
  readonly argv: readonly string[];
  /** Unix milliseconds. */
  readonly startedAt: number;
  /** The daemon that started it, and that daemon's start time; null in files of older versions. */
  readonly ownerPid: number | null;
  readonly ownerStartTicks: number | null;
  /** The boot it ran in; null when unknown (older versions, no /proc). */
  readonly bootId: string | null;
}

export type ReapSkipReason = 'gone' | 'start-mismatch' | 'cmdline-mismatch' | 'other-boot';

export interface ReapReport {
  /** Entries of which something was alive and provably theirs, and is now gone. */
  readonly reaped: readonly OrphanEntry[];
  /** Every process ended, the leaders and whatever else of their runs was found. */
  readonly processes: readonly number[];
  /** Entries of dead daemons of which nothing was killed: all gone, or the pid is someone else's now. */
  readonly skipped: ReadonlyArray<{ readonly entry: OrphanEntry; readonly reason: ReapSkipReason }>;
  /** Entries of which something survived SIGKILL (should not happen outside of D-state processes). */
  readonly survivors: readonly OrphanEntry[];
  /** Entries of another daemon that is still running: left alone, and left in its file. */
  readonly kept: readonly OrphanEntry[];
}

export interface ReapOptions {
  /** Grace between SIGTERM and SIGKILL. Default 2000 ms. */
  readonly termGraceMs?: number;
}

const KILL_WAIT_MS = 5_000;

/** True while the daemon that recorded the entry runs (an entry of an older version has no owner: dead). */
export function isOwnerAlive(owner: { readonly ownerPid: number | null; readonly ownerStartTicks: number | null }): boolean {
  if (owner.ownerPid === null || !isPidAlive(owner.ownerPid)) return false;
  // Without a recorded start time a live pid cannot be told from a reused one; keeping is the safe side.
  return owner.ownerStartTicks === null || getStartTicks(owner.ownerPid) === owner.ownerStartTicks;
}

export async function reapEntries(entries: readonly OrphanEntry[], options: ReapOptions): Promise<Omit<ReapReport, 'kept'>> {
  const bootId = readBootId();
  const reaped: OrphanEntry[] = [];
  const processes: number[] = [];
  const skipped: Array<{ entry: OrphanEntry; reason: ReapSkipReason }> = [];
  const survivors: OrphanEntry[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      // Start times count from boot: those of another boot prove nothing, and its processes are gone anyway.
      if (entry.bootId !== null && bootId !== null && entry.bootId !== bootId) return void skipped.push({ entry, reason: 'other-boot' });
      const table = readProcessTable();
      if (table === null) {
        // Without /proc nothing can be proven: a live pid may be anyone's by now.
        return void skipped.push({ entry, reason: isPidAlive(entry.pid) ? 'start-mismatch' : 'gone' });
      }
      const { verdict, trust } = judgeLeader(entry, table);
      if (collectRunMembers(entry, table, trust).length === 0) {
        return void skipped.push({ entry, reason: verdict === 'match' || verdict === 'free' ? 'gone' : verdict });
      }
      const outcome = await endProcessTree(getOrphanTree(entry, trust), {
        grace: AbortSignal.timeout(options.termGraceMs ?? 2_000),
        killWaitMs: KILL_WAIT_MS,
      });
      processes.push(...outcome.ended);
      (outcome.gone ? reaped : survivors).push(entry);
    }),
  );
  return { reaped, processes, skipped, survivors };
}

/**
 * Whether the process at the leader's pid is the recorded leader, and so how far its group can
 * be trusted. A zombie with the leader's start time is the leader's corpse: its group is still
 * the run's. A stranger at that pid means the group of that number is not the run's either
 * (the pid could only be reused once no process was left in the group).
 */
function judgeLeader(entry: OrphanEntry, table: readonly ProcStat[]): { verdict: IdentityVerdict | 'free'; trust: CollectOptions } {
  const leader = table.find((stat) => stat.pid === entry.pid);
  if (leader === undefined) return { verdict: 'free', trust: { leaderIsOurs: false, trustGroup: false } };
  if (isDeadState(leader.state)) {
    const corpse = entry.startTicks !== null && leader.startTicks === entry.startTicks;
    return { verdict: corpse ? 'match' : 'start-mismatch', trust: { leaderIsOurs: false, trustGroup: corpse } };
  }
  const verdict = judgeIdentity(leader, entry, entry);
  const proven = verdict === 'match';
  return { verdict, trust: { leaderIsOurs: proven, trustGroup: proven } };
}

function getOrphanTree(entry: OrphanEntry, trust: CollectOptions): ProcessTree {
  return {
    pgid: trust.trustGroup ? entry.pgid : null,
    collect: () => {
      const table = readProcessTable() ?? [];
      return collectRunMembers(entry, table, trust);
    },
    isSettled: () => true,
  };
}
