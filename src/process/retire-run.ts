// The bookkeeping that ends every run: kill what is left of its group (when it ended on its
// own), give its port back, and drop it from the orphan registry once it is confirmed gone.
import { isGroupAlive, signalGroup, waitUntil } from './process-liveness.js';
import type { ActiveRun, RunContext } from './run-context.js';

const LEFTOVER_KILL_WAIT_MS = 10_000;

/**
 * @param killLeftovers true when the leader exited by itself: whatever stayed in its group is SIGKILLed.
 * Never rejects: failures are logged, and the run is released regardless.
 */
export async function retireRun(ctx: RunContext, run: ActiveRun, killLeftovers: boolean): Promise<void> {
  const { pid, pgid } = run.upstream;
  if (killLeftovers && isGroupAlive(pgid)) {
    ctx.logger.warn({ pid, pgid }, 'upstream exited but left processes in its group; killing them');
    signalGroup(pgid, 'SIGKILL');
    const gone = await waitUntil(() => !isGroupAlive(pgid), { timeoutMs: LEFTOVER_KILL_WAIT_MS });
    if (!gone) ctx.logger.error({ pid, pgid }, 'leftover upstream processes survived SIGKILL');
  }
  if (run.port !== null) ctx.ports.release(run.port);
  // Not awaited: a stop must not wait for a file write (shutdown waits for the registry to
  // settle). Should the write fail, the stale entry is skipped as 'gone' by the next boot.
  ctx.registry
    ?.remove(pid)
    .catch((error: unknown) => ctx.logger.warn({ err: error, pid }, 'could not update the orphan registry'));
}
