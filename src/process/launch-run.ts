// Puts one run on its feet: a port (when the command wants one), the placeholders filled in,
// the process spawned. Gives back everything it took when it fails or is cancelled midway.
import { SwapgateError, upstreamStartError } from '../shared/errors.js';
import { LineRing } from '../shared/log-hub.js';
import { allocatePort, type PortReservations } from './port-reservations.js';
import { getStartTicks, signalGroup } from './process-liveness.js';
import type { ActiveRun, RunContext } from './run-context.js';
import { spawnUpstream } from './spawn-upstream.js';
import { resolveRunTarget } from './substitute-placeholders.js';

/** Lines of a run kept for failure reports. */
export const FAILURE_TAIL_LINES = 20;

export interface LaunchOptions {
  readonly startedAt: number;
  /** When it aborts midway, the spawned process (if any) is killed and the reason thrown. */
  readonly cancel: AbortSignal;
  readonly onLine: (tail: LineRing, line: string) => void;
}

export async function launchRun(ctx: RunContext, options: LaunchOptions): Promise<ActiveRun> {
  const { model, ports } = ctx;
  const { cancel } = options;
  const port = model.usesPort ? await allocatePortFor(model.id, ctx.startPort, ports) : null;
  try {
    if (cancel.aborted) throw cancel.reason;
    const target = resolveRunTarget(model, port);
    const tail = new LineRing(FAILURE_TAIL_LINES);
    const upstream = await spawnUpstream({
      modelId: model.id,
      argv: target.argv,
      env: ctx.env,
      extendEnv: ctx.extendEnv,
      onLine: (line) => options.onLine(tail, line),
    });
    if (cancel.aborted) {
      // Just spawned, so everything it could have started is still in its group.
      signalGroup(upstream.pgid, 'SIGKILL');
      await upstream.exited;
      throw cancel.reason;
    }
    const { pid, pgid } = upstream;
    // The start time names this process even after it execs (env …, wrapper scripts).
    const startTicks = getStartTicks(pid);
    ctx.registry
      ?.add({ pid, pgid, modelId: model.id, argv: target.argv, startedAt: Date.now(), startTicks })
      .catch((error: unknown) => ctx.logger.warn({ err: error, pid }, 'could not record the process in the orphan registry'));
    return { upstream, port, target, tail, startedAt: options.startedAt };
  } catch (error) {
    if (port !== null) ports.release(port);
    throw error;
  }
}

async function allocatePortFor(modelId: string, startPort: number, ports: PortReservations): Promise<number> {
  try {
    return await allocatePort(startPort, ports);
  } catch (error) {
    throw new SwapgateError('upstream_start_failed', `model "${modelId}": no free port found from ${startPort}`, {
      status: 502,
      type: 'upstream_error',
      cause: error,
      details: { model: modelId, exit_code: null, signal: null, timed_out: false },
    });
  }
}

/** upstream_start_failed for a run that exited (timedOut false) or never became healthy. */
export function describeStartFailure(run: ActiveRun, modelId: string, durationMs: number, timedOut: boolean): SwapgateError {
  const exit = run.upstream.exitInfo();
  return upstreamStartError({
    modelId,
    exitCode: exit?.exitCode ?? null,
    signal: exit?.signal ?? null,
    timedOut,
    durationMs,
    logTail: run.tail.tail(FAILURE_TAIL_LINES),
  });
}
