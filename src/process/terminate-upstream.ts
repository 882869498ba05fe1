// Ends one upstream run on request: its members are collected first, then cmdStop (or SIGTERM
// to the group and to every member that left it), SIGKILL to all of them after the grace
// period (or at once when forced), and it returns only once the leader has exited and every
// member is gone (see endProcessTree).
import treeKill from 'tree-kill';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { endProcessTree, type ProcessTree } from './end-process-tree.js';
import { pause } from './process-liveness.js';
import { HAS_PROC } from './read-proc-stat.js';
import type { RunMembers } from './run-members.js';
import { runStopCommand, type StopCommandOptions } from './run-stop-command.js';
import type { SpawnedUpstream } from './spawn-upstream.js';

/** After SIGKILL, how long to wait for the kernel before giving up (a process stuck in D state). */
export const AFTER_KILL_WAIT_MS = 10_000;
/** tree-kill lists the tree with `ps`; a hung `ps` must not hold up the group SIGKILL. */
const TREE_KILL_WAIT_MS = 2_000;

export interface TerminateOptions {
  /** cmdStop with ${PID}/${PORT} filled in, or null for SIGTERM. */
  readonly stopArgv: readonly string[] | null;
  readonly stopCommand: Omit<StopCommandOptions, 'timeoutMs'>;
  readonly unloadTimeoutMs: number;
  /** Aborting it (or passing it aborted) escalates to SIGKILL at once. */
  readonly force: AbortSignal;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface TerminateOutcome {
  /** True when SIGKILL was needed. */
  readonly killed: boolean;
  /** False only when something survived even SIGKILL (logged as an error). */
  readonly gone: boolean;
}

export async function terminateUpstream(run: SpawnedUpstream, members: RunMembers, options: TerminateOptions): Promise<TerminateOutcome> {
  const grace = new AbortController();
  const timer = options.clock.setTimeout(() => grace.abort(), options.unloadTimeoutMs);
  const onForce = (): void => grace.abort();
  options.force.addEventListener('abort', onForce, { once: true });
  if (options.force.aborted) grace.abort();
  try {
    const outcome = await endProcessTree(getUpstreamTree(run, members), {
      grace: grace.signal,
      killWaitMs: AFTER_KILL_WAIT_MS,
      askToStop: (_found, terminate) => askToStop(run, terminate, options),
    });
    if (!outcome.gone) options.logger.error({ pid: run.pid, pgid: run.pgid, survivors: outcome.survivors }, 'upstream survived SIGKILL');
    return { killed: outcome.killed, gone: outcome.gone };
  } finally {
    timer.cancel();
    options.force.removeEventListener('abort', onForce);
  }
}

/** The run's members for endProcessTree; without /proc, SIGKILL also goes down the pid tree by `ps`. */
export function getUpstreamTree(run: SpawnedUpstream, members: RunMembers): ProcessTree {
  const tree = members.tree();
  if (HAS_PROC) return tree;
  // Once the leader has exited its pid may be reused; only its group is still safe to signal.
  return { ...tree, beforeKill: () => (run.exitInfo() === null ? killTreeByPs(run.pid) : Promise.resolve()) };
}

function askToStop(run: SpawnedUpstream, terminate: () => void, options: TerminateOptions): void {
  if (run.exitInfo() !== null || options.stopArgv === null) return terminate();
  const stopArgv = options.stopArgv;
  // Whatever the leader leaves behind after a cmdStop would be an orphan: ask it to go too.
  void run.exited.then(terminate);
  void runStopCommand(stopArgv, { ...options.stopCommand, timeoutMs: options.unloadTimeoutMs }).then((result) => {
    if (result.ok || run.exitInfo() !== null) return;
    options.logger.warn({ cmdStop: stopArgv, error: result.error }, 'cmdStop failed; sending SIGTERM instead');
    terminate();
  });
}

function killTreeByPs(pid: number): Promise<void> {
  const killed = new Promise<void>((resolve) => {
    // An error here means the tree could not be listed (no `ps`) or was already gone; the
    // group SIGKILL that follows still covers every process that stayed in the group.
    treeKill(pid, 'SIGKILL', () => resolve());
  });
  return Promise.race([killed, pause(TREE_KILL_WAIT_MS)]);
}
