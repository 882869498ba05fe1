// What every step of a model's runs needs, resolved once per model: the config, where ports,
// logs and orphan records go, the clock, and the child environment.
import type { ModelConfig } from '../config/types.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { LineRing, LogHub } from '../shared/log-hub.js';
import type { Logger } from '../shared/logger.js';
import type { OrphanRegistry } from './orphan-registry.js';
import { daemonPortReservations, type PortReservations } from './port-reservations.js';
import type { RunMembers } from './run-members.js';
import { buildChildEnv, type SpawnedUpstream } from './spawn-upstream.js';
import type { RunTarget } from './substitute-placeholders.js';

export interface ModelProcessDeps {
  readonly logger: Logger;
  readonly hub: LogHub;
  readonly startPort: number;
  readonly registry?: OrphanRegistry;
  readonly clock?: Clock;
  /** The daemon's environment (main reads process.env); absent: the child inherits it as usual. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Ports held by this daemon's models; defaults to one set shared by the whole process. */
  readonly ports?: PortReservations;
}

export interface RunContext {
  readonly model: ModelConfig;
  readonly startPort: number;
  readonly hub: LogHub;
  readonly ports: PortReservations;
  readonly registry: OrphanRegistry | undefined;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly env: Readonly<Record<string, string>>;
  /** True: env is added to the environment this daemon inherited. */
  readonly extendEnv: boolean;
}

/** One spawned upstream and what was allocated for it. */
export interface ActiveRun {
  readonly upstream: SpawnedUpstream;
  /** Its processes as far as they are known: what a stop collects and ends. */
  readonly members: RunMembers;
  readonly port: number | null;
  readonly target: RunTarget;
  /** This run's own recent output, for failure reports. */
  readonly tail: LineRing;
  readonly startedAt: number;
}

export function createRunContext(model: ModelConfig, deps: ModelProcessDeps): RunContext {
  return {
    model,
    startPort: deps.startPort,
    hub: deps.hub,
    ports: deps.ports ?? daemonPortReservations,
    registry: deps.registry,
    logger: deps.logger.child({ model: model.id }),
    clock: deps.clock ?? systemClock,
    ...buildChildEnv(deps.env, model.env),
  };
}
