// The processes of one live run as its daemon knows them. While the run lives, its tree is
// looked at now and then (cheaply: only its own members' child lists) and every process found
// is recorded with its start time and command line (onChange → the orphan registry), so that
// after a daemon crash the next boot can still reap a helper that left the group or lost its
// parent. Before a stop, collect() takes the full look (group, session, marker, records).
import { collectRunMembers } from './collect-run-members.js';
import type { ProcessTree } from './end-process-tree.js';
import { getStartTicks } from './process-liveness.js';
import { readChildPids, readCmdline } from './read-proc-identity.js';
import { isDeadState, readProcessTable, readProcStat, type ProcStat } from './read-proc-stat.js';
import { isSameArgv, type ProcessRecord, type RunIdentity } from './run-identity.js';
import type { SpawnedUpstream } from './spawn-upstream.js';

/** How often a live run's tree is looked at for new processes. */
export const MEMBER_SCAN_INTERVAL_MS = 1_000;
/** Bounds what one run may write into the state file. */
const MAX_DESCENDANTS = 256;
const MAX_CMDLINES = 8;

export interface RunMembersOptions {
  readonly marker: string;
  readonly startTicks: number | null;
  /** Called with the whole identity whenever something new was recorded. */
  readonly onChange: (identity: RunIdentity) => void;
}

export class RunMembers {
  private cmdlines: Array<readonly string[]>;
  private descendants: ProcessRecord[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly upstream: SpawnedUpstream,
    private readonly options: RunMembersOptions,
  ) {
    this.cmdlines = [upstream.argv];
  }

  get identity(): RunIdentity {
    const { pid, pgid } = this.upstream;
    const { marker, startTicks } = this.options;
    return { pid, pgid, startTicks, marker, cmdlines: [...this.cmdlines], descendants: [...this.descendants] };
  }

  /** Looks at the tree now and then until the leader exits. */
  watch(intervalMs = MEMBER_SCAN_INTERVAL_MS): void {
    this.scan();
    this.timer ??= setInterval(() => this.scan(), intervalMs);
    this.timer.unref();
    void this.upstream.exited.then(() => this.unwatch());
  }

  unwatch(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** The leader and the tree below it now, by child lists; recorded when new. */
  scan(): void {
    if (this.upstream.exitInfo() !== null) return;
    const found = walkTree(this.upstream.pid);
    if (found === null) this.collect(); // the kernel keeps no child lists: the full look instead
    else this.record(found);
  }

  /** Every member alive now, also those outside the tree (see collectRunMembers); recorded too. */
  collect(): ProcStat[] {
    const table = readProcessTable();
    if (table === null) return [];
    // Until its exit is seen the leader is our child, alive or not yet reaped: its pid, and so
    // its group id, cannot be reused. After, the group is ours while a known member is in it.
    const leaderIsOurs = this.upstream.exitInfo() === null;
    const { pgid } = this.upstream;
    const isKnown = (stat: ProcStat): boolean => this.descendants.some((d) => d.pid === stat.pid && d.startTicks === stat.startTicks);
    const trustGroup = leaderIsOurs || table.some((stat) => stat.pgrp === pgid && isKnown(stat));
    const members = collectRunMembers(this.identity, table, { leaderIsOurs, trustGroup });
    this.record(members);
    return members;
  }

  /** This run for endProcessTree: gone once the leader's exit was seen and no member is left. */
  tree(): ProcessTree {
    const leaderExited = (): boolean => this.upstream.exitInfo() !== null;
    return { pgid: this.upstream.pgid, ownsGroup: () => !leaderExited(), collect: () => this.collect(), isSettled: leaderExited };
  }

  private record(found: readonly ProcStat[]): void {
    const before = JSON.stringify([this.cmdlines, this.descendants]);
    const leader = found.find((stat) => stat.pid === this.upstream.pid);
    const leaderCmdline = leader === undefined ? null : readCmdline(leader.pid);
    if (leaderCmdline !== null && !this.cmdlines.some((seen) => isSameArgv(seen, leaderCmdline))) {
      this.cmdlines = [...this.cmdlines, leaderCmdline].slice(-MAX_CMDLINES);
    }
    // The gone are forgotten (nothing to reap); the rest keep their latest command line.
    const known = new Map(this.descendants.filter((d) => getStartTicks(d.pid) === d.startTicks).map((d) => [d.pid, d]));
    for (const stat of found) {
      if (stat === leader) continue;
      const seen = known.get(stat.pid);
      const cmdline = readCmdline(stat.pid) ?? seen?.cmdline ?? null;
      if (seen === undefined || seen.startTicks !== stat.startTicks || !isSameArgv(seen.cmdline, cmdline)) {
        known.set(stat.pid, { pid: stat.pid, startTicks: stat.startTicks, cmdline });
      }
    }
    this.descendants = [...known.values()].slice(-MAX_DESCENDANTS);
    if (JSON.stringify([this.cmdlines, this.descendants]) !== before) this.options.onChange(this.identity);
  }
}

// root and every process below it by the kernel's child lists; null when it keeps none.
function walkTree(root: number): ProcStat[] | null {
  const rootStat = readProcStat(root);
  if (rootStat === null) return [];
  const found = [rootStat];
  for (const parent of found) {
    const children = readChildPids(parent.pid);
    if (children === null) return null;
    for (const pid of children) {
      const stat = readProcStat(pid);
      if (stat !== null && !found.some((f) => f.pid === pid)) found.push(stat);
    }
  }
  return found.filter((stat) => !isDeadState(stat.state));
}
