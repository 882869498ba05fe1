// Ends every process of one run, whatever ended it (unload, swap, TTL, reload, shutdown, health
// timeout, a crashed leader, a boot-time reap): the members are collected BEFORE the first
// signal (afterwards the leader's children are reparented and no longer findable by parent
// pid), asked to stop (SIGTERM), SIGKILLed once the grace is over, and it returns only when
// every one of them, and whatever they started meanwhile, is gone.
import { getStartTicks, isGroupAlive, sendSignal, signalGroup, waitUntil } from './process-liveness.js';
import { HAS_PROC, type ProcStat } from './read-proc-stat.js';

/** Rounds of collect + SIGKILL for a tree that keeps starting processes while it is killed. */
const KILL_ROUNDS = 3;
const FOREVER_MS = 2 ** 31 - 1;

export interface ProcessTree {
  /** The run's group, signalled as a whole; null when its members are not provably the run's. */
  readonly pgid: number | null;
  /** True while the group id is surely the run's own (its leader not yet reaped), members or not. */
  ownsGroup?(): boolean;
  /** The members alive now (a fresh look at /proc); empty without /proc. */
  collect(): ProcStat[];
  /** Whatever else must hold before the tree counts as gone (e.g. the leader's exit was seen). */
  isSettled(): boolean;
  /** Before each SIGKILL: reaches what collect() cannot see (without /proc: `ps`, via tree-kill). */
  beforeKill?(): Promise<void>;
}

export interface EndTreeOptions {
  /** Aborts when the grace period is over (or at once for a forced stop): SIGKILL from then on. */
  readonly grace: AbortSignal;
  /** After SIGKILL, how long to wait for the kernel before giving up (a process stuck in D state). */
  readonly killWaitMs: number;
  /**
   * Asks the run to stop; default `terminate()`, i.e. SIGTERM to the group and to every member
   * outside it. Gets the members found before any signal. Not called when grace is already over.
   */
  readonly askToStop?: (members: readonly ProcStat[], terminate: () => void) => void;
}

export interface TreeOutcome {
  /** True when SIGKILL was needed. */
  readonly killed: boolean;
  /** False only when something survived even SIGKILL. */
  readonly gone: boolean;
  /** Every member seen, in order of discovery. */
  readonly ended: readonly number[];
  readonly survivors: readonly number[];
}

/** Gone, or its pid now names another process. */
export function isMemberGone(member: ProcStat): boolean {
  return getStartTicks(member.pid) !== member.startTicks;
}

/**
 * Signals the group once and each member outside it (one signal each: a second SIGTERM makes
 * some servers skip their clean exit). The group only while its id cannot have been reused
 * (its leader is not yet reaped, or a member holds it), or blindly where there is no /proc.
 */
export function signalTree(tree: ProcessTree, members: readonly ProcStat[], signal: NodeJS.Signals): void {
  const { pgid } = tree;
  if (pgid !== null && (!HAS_PROC || tree.ownsGroup?.() === true || members.some((m) => m.pgrp === pgid))) signalGroup(pgid, signal);
  for (const member of members) {
    if (member.pgrp === tree.pgid || isMemberGone(member)) continue;
    sendSignal(member.pid, signal);
  }
}

export async function endProcessTree(tree: ProcessTree, options: EndTreeOptions): Promise<TreeOutcome> {
  let members = tree.collect();
  const ended = new Set<number>();
  const note = (found: readonly ProcStat[]): void => found.forEach((m) => ended.add(m.pid));
  note(members);
  // With /proc the members are the group's processes too; without, only the group can tell.
  const isOver = (): boolean =>
    tree.isSettled() && members.every(isMemberGone) && (HAS_PROC || tree.pgid === null || !isGroupAlive(tree.pgid));
  const result = (killed: boolean, gone: boolean): TreeOutcome => ({
    killed,
    gone,
    ended: [...ended],
    survivors: members.filter((m) => !isMemberGone(m)).map((m) => m.pid),
  });

  if (!options.grace.aborted) {
    const terminate = (): void => signalTree(tree, members, 'SIGTERM');
    (options.askToStop ?? ((_found, term) => term()))(members, terminate);
  }
  while (await waitUntil(isOver, { timeoutMs: FOREVER_MS, signal: options.grace })) {
    // All gone, unless one of them started another process on its way out: ask that one too.
    members = tree.collect();
    if (members.length === 0) return result(false, true);
    note(members);
    signalTree(tree, members, 'SIGTERM');
  }
  for (let round = 0; round < KILL_ROUNDS; round++) {
    const alive = members.filter((m) => !isMemberGone(m));
    const fresh = tree.collect().filter((m) => !alive.some((a) => a.pid === m.pid));
    members = [...alive, ...fresh];
    note(members);
    await tree.beforeKill?.();
    signalTree(tree, members, 'SIGKILL');
    if (!(await waitUntil(isOver, { timeoutMs: options.killWaitMs }))) return result(true, false);
    members = tree.collect();
    if (members.length === 0) return result(true, true);
  }
  return result(true, members.every(isMemberGone));
}
