// Ends one upstream run: cmdStop or SIGTERM to the group, SIGKILL to the group and the pid
// tree after the grace period (or at once when forced), and returns only once the leader has
// exited and the group is gone.
import treeKill from 'tree-kill';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { isGroupAlive, pause, signalGroup, waitUntil } from './process-liveness.js';
import { runStopCommand, type StopCommandOptions } from './run-stop-command.js';
import type { SpawnedUpstream } from './spawn-upstream.js';

/** After SIGKILL, how long to wait for the kernel before giving up (a process stuck in D state). */
const AFTER_KILL_WAIT_MS = 10_000;
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

export async function terminateUpstream(run: SpawnedUpstream, options: TerminateOptions): Promise<TerminateOutcome> {
  const hard = new AbortController();
  const timer = options.clock.setTimeout(() => hard.abort(), options.unloadTimeoutMs);
  const onForce = (): void => hard.abort();
  options.force.addEventListener('abort', onForce, { once: true });
  if (options.force.aborted) hard.abort();
  try {
    if (!hard.signal.aborted) askToStop(run, options);
    if (await waitUntilGone(run, hard.signal, Number.POSITIVE_INFINITY)) return { killed: false, gone: true };
    await killHard(run);
    const gone = await waitUntilGone(run, undefined, AFTER_KILL_WAIT_MS);
    if (!gone) options.logger.error({ pid: run.pid, pgid: run.pgid }, 'upstream survived SIGKILL');
    return { killed: true, gone };
  } finally {
    timer.cancel();
    options.force.removeEventListener('abort', onForce);
  }
}

/** SIGKILLs the pid tree (while the leader lives, so its children can still be found) and the group. */
export async function killHard(run: SpawnedUpstream): Promise<void> {
  // Once the leader has exited its pid may be reused; only its group is still safe to signal.
  if (run.exitInfo() === null) await killTree(run.pid);
  signalGroup(run.pgid, 'SIGKILL');
}

function askToStop(run: SpawnedUpstream, options: TerminateOptions): void {
  if (run.exitInfo() !== null || options.stopArgv === null) {
    signalGroup(run.pgid, 'SIGTERM');
    return;
  }
  const stopArgv = options.stopArgv;
  // Whatever the leader leaves in its group after a cmdStop would be an orphan: ask it to go too.
  void run.exited.then(() => signalGroup(run.pgid, 'SIGTERM'));
  void runStopCommand(stopArgv, { ...options.stopCommand, timeoutMs: options.unloadTimeoutMs }).then((result) => {
    if (result.ok || run.exitInfo() !== null) return;
    options.logger.warn({ cmdStop: stopArgv, error: result.error }, 'cmdStop failed; sending SIGTERM instead');
    signalGroup(run.pgid, 'SIGTERM');
  });
}

async function waitUntilGone(run: SpawnedUpstream, signal: AbortSignal | undefined, timeoutMs: number): Promise<boolean> {
  const leaderExited = await Promise.race([
    run.exited.then(() => true),
    abortedOrTimeout(signal, timeoutMs).then(() => false),
  ]);
  if (!leaderExited) return false;
  return waitUntil(() => !isGroupAlive(run.pgid), { timeoutMs: Number.isFinite(timeoutMs) ? timeoutMs : 2 ** 31 - 1, signal });
}

function abortedOrTimeout(signal: AbortSignal | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
    if (Number.isFinite(timeoutMs)) setTimeout(resolve, timeoutMs).unref();
  });
}

function killTree(pid: number): Promise<void> {
  const killed = new Promise<void>((resolve) => {
    // An error here means the tree could not be listed (no `ps`) or was already gone; the
    // group SIGKILL that follows still covers every process that stayed in the group.
    treeKill(pid, 'SIGKILL', () => resolve());
  });
  return Promise.race([killed, pause(TREE_KILL_WAIT_MS)]);
}
