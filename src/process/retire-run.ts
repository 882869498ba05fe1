// The bookkeeping that ends every run: end what is left of its process tree (when the leader
// ended on its own), give its port back, and drop it from the orphan registry once everything
// of it is confirmed gone.
import { endProcessTree } from './end-process-tree.js';
import type { ActiveRun, RunContext } from './run-context.js';
import { AFTER_KILL_WAIT_MS, getUpstreamTree } from './terminate-upstream.js';

/**
 * @param endLeftovers true when the leader exited by itself: whatever it left (in its group, or
 * anywhere else in its tree) gets SIGTERM, and SIGKILL after the model's unloadTimeout.
 * @param survived true when a stop left something alive even after SIGKILL: it stays on record.
 * Never rejects: failures are logged, and the run is released regardless.
 */
export async function retireRun(ctx: RunContext, run: ActiveRun, endLeftovers: boolean, survived = false): Promise<void> {
  const { upstream, members } = run;
  const { pid, pgid } = upstream;
  members.unwatch();
  let gone = !survived;
  if (endLeftovers) {
    const grace = new AbortController();
    const timer = ctx.clock.setTimeout(() => grace.abort(), ctx.model.unloadTimeoutMs);
    try {
      const outcome = await endProcessTree(getUpstreamTree(upstream, members), { grace: grace.signal, killWaitMs: AFTER_KILL_WAIT_MS });
      gone = outcome.gone;
      const leftovers = outcome.ended.filter((member) => member !== pid);
      if (leftovers.length > 0) ctx.logger.warn({ pid, pgid, leftovers }, 'upstream exited but left processes behind; ended them');
      if (!gone) ctx.logger.error({ pid, pgid, survivors: outcome.survivors }, 'leftover upstream processes survived SIGKILL');
    } catch (error) {
      gone = false;
      ctx.logger.error({ err: error, pid, pgid }, 'could not end what the upstream left behind');
    } finally {
      timer.cancel();
    }
  }
  if (run.port !== null) ctx.ports.release(run.port);
  // A survivor stays on record, so the next boot tries again. Not awaited: a stop must not wait
  // for a file write (shutdown waits for the registry to settle). Should the write fail, the
  // stale entry is skipped as 'gone' by the next boot.
  if (!gone) return;
  ctx.registry
    ?.remove(pid, members.identity.startTicks)
    .catch((error: unknown) => ctx.logger.warn({ err: error, pid }, 'could not update the orphan registry'));
}
