// Which live processes belong to one upstream run, from one snapshot of the process table:
// the leader, its process group and session, the processes that carry the run's marker in
// their environment, the descendants recorded earlier (still the same processes), and every
// descendant of any of those by parent pid. So a helper that called setsid(), or whose parent
// exited and left it to init, is still found.
import { carriesMarker, judgeIdentity, type RunIdentity } from './run-identity.js';
import { isDeadState, type ProcStat } from './read-proc-stat.js';

export interface CollectOptions {
  /** The live process at the leader's pid is this run's leader. */
  readonly leaderIsOurs: boolean;
  /**
   * Members of the leader's group or session count without further proof. True while the
   * daemon that spawned the run handles it, or once the leader is proven: a group id cannot be
   * reused while any process is in that group. Otherwise each needs its own proof.
   */
  readonly trustGroup: boolean;
}

export function collectRunMembers(run: RunIdentity, table: readonly ProcStat[], options: CollectOptions): ProcStat[] {
  const live = table.filter((stat) => !isDeadState(stat.state) && stat.pid !== process.pid && stat.pid > 1);
  const members = new Map<number, ProcStat>();
  for (const stat of live) {
    if (stat.pid === run.pid) {
      if (options.leaderIsOurs) members.set(stat.pid, stat);
      continue;
    }
    // Nothing that started before the run can descend from it; this also keeps the reads below few.
    if (run.startTicks !== null && stat.startTicks < run.startTicks) continue;
    const inGroup = stat.pgrp === run.pgid || stat.session === run.pgid;
    if ((inGroup && options.trustGroup) || isRecordedMember(run, stat) || carriesMarker(run, stat.pid)) {
      members.set(stat.pid, stat);
    }
  }
  addDescendants(members, live);
  return [...members.values()];
}

function isRecordedMember(run: RunIdentity, stat: ProcStat): boolean {
  const record = run.descendants.find((d) => d.pid === stat.pid);
  return record !== undefined && judgeIdentity(stat, { startTicks: record.startTicks, cmdlines: [record.cmdline] }, run) === 'match';
}

function addDescendants(members: Map<number, ProcStat>, live: readonly ProcStat[]): void {
  const children = new Map<number, ProcStat[]>();
  for (const stat of live) {
    const siblings = children.get(stat.ppid);
    if (siblings === undefined) children.set(stat.ppid, [stat]);
    else siblings.push(stat);
  }
  const queue = [...members.values()];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const child of children.get(next.pid) ?? []) {
      if (members.has(child.pid)) continue;
      members.set(child.pid, child);
      queue.push(child);
    }
  }
}
