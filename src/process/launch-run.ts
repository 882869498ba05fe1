// Puts one run on its feet: a port (when the command wants one), the placeholders filled in,
// the process spawned. Gives back everything it took when it fails or is cancelled midway.
import { randomUUID } from 'node:crypto';
import { SwapgateError, upstreamStartError } from '../shared/errors.js';
import { LineRing } from '../shared/log-hub.js';
import { allocatePort, type PortReservations } from './port-reservations.js';
import { getStartTicks, signalGroup } from './process-liveness.js';
import { RUN_MARKER_VAR } from './read-proc-identity.js';
import type { ActiveRun, RunContext } from './run-context.js';
import { RunMembers } from './run-members.js';
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
    // Inherited by every descendant, so they can be told apart from strangers even after they
    // left the group or lost their parent (see collectRunMembers).
    const marker = randomUUID();
    const upstream = await spawnUpstream({
      modelId: model.id,
      argv: target.argv,
      env: { ...ctx.env, [RUN_MARKER_VAR]: marker },
      extendEnv: ctx.extendEnv,
      onLine: (line) => options.onLine(tail, line),
    });
    if (cancel.aborted) {
      // Just spawned, so everything it could have started is still in its group.
      signalGroup(upstream.pgid, 'SIGKILL');
      await upstream.exited;
      throw cancel.reason;
    }
    const { pid } = upstream;
    // The start time names this process even after it execs (env …, wrapper scripts).
    const startTicks = getStartTicks(pid);
    const onRegistryError = (error: unknown): void => ctx.logger.warn({ err: error, pid }, 'could not update the orphan registry');
    const members = new RunMembers(upstream, {
      marker,
      startTicks,
      onChange: (identity) => void ctx.registry?.record(identity).catch(onRegistryError),
    });
    ctx.registry?.add({ ...members.identity, modelId: model.id, argv: target.argv, startedAt: Date.now() }).catch(onRegistryError);
    members.watch(); // its first look records what the leader exec'd into (env …, `exec` in a script)
    return { upstream, members, port, target, tail, startedAt: options.startedAt };
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
