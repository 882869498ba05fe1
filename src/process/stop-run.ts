// A requested stop of one run: cmdStop or signals to its whole tree (see terminateUpstream),
// then its port and orphan record are released. It is over once every process of the run is
// gone: the last output lines still reach the log as they arrive, but a swap does not wait for them.
import type { ActiveRun, RunContext } from './run-context.js';
import { retireRun } from './retire-run.js';
import { substituteStopArgv } from './substitute-placeholders.js';
import { terminateUpstream } from './terminate-upstream.js';

export async function stopRun(ctx: RunContext, run: ActiveRun, force: AbortSignal, onLine: (line: string) => void): Promise<void> {
  const { cmdStop, unloadTimeoutMs } = ctx.model;
  const outcome = await terminateUpstream(run.upstream, run.members, {
    stopArgv: cmdStop === null ? null : substituteStopArgv(cmdStop, run.upstream.pid, run.port),
    stopCommand: { env: ctx.env, extendEnv: ctx.extendEnv, onLine },
    unloadTimeoutMs,
    force,
    clock: ctx.clock,
    logger: ctx.logger,
  });
  await retireRun(ctx, run, false, !outcome.gone);
}
