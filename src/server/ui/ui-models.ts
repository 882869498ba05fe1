// GET /ui/api/models: what the Models page shows beyond the live state of /api/events — group,
// pid, port, requests in flight and queued, the last start's duration, when it started and became
// ready, when its TTL clock started, and its last failure with the log tail.
import type { Config } from '../../config/types.js';
import type { ProcessFailure, ProcessState } from '../../process/types.js';
import type { Supervisor } from '../../supervisor/types.js';
import type { ModelTimes } from './model-times.js';

export interface UiFailure {
  readonly atMs: number;
  readonly code: string;
  readonly message: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly logTail: readonly string[];
}

export interface UiModelDetail {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly aliases: readonly string[];
  readonly unlisted: boolean;
  readonly groupId: string | null;
  readonly peer: string | null;
  readonly state: ProcessState | null;
  readonly pid: number | null;
  readonly port: number | null;
  readonly ttlMs: number;
  readonly inFlight: number;
  readonly queued: number;
  readonly lastStartMs: number | null;
  readonly readyAtMs: number | null;
  readonly startingAtMs: number | null;
  readonly idleSinceMs: number | null;
  readonly lastFailure: UiFailure | null;
}

export interface UiGroup {
  readonly id: string;
  readonly swap: boolean;
  readonly exclusive: boolean;
  readonly persistent: boolean;
  readonly implicit: boolean;
}

export interface UiModelsResponse {
  readonly nowMs: number;
  readonly groups: readonly UiGroup[];
  readonly models: readonly UiModelDetail[];
}

export interface UiModelsSource {
  readonly config: Config;
  readonly supervisor: Supervisor;
  readonly times: ModelTimes;
  /** When the model's latest request finished (epoch ms), or null. */
  readonly lastFinishedAtMs: (modelId: string) => number | null;
  /** Whether the caller is shown this model (a scoped key sees its own). */
  readonly visible: (modelId: string, aliases: readonly string[]) => boolean;
  readonly nowMs: number;
}

function toUiFailure(failure: ProcessFailure | null): UiFailure | null {
  if (failure === null) return null;
  const { atMs, code, message, exitCode, signal, timedOut, logTail } = failure;
  return { atMs, code, message, exitCode, signal, timedOut, logTail };
}

export function listUiModels(source: UiModelsSource): UiModelsResponse {
  const { config, supervisor, times, visible } = source;
  const statusOf = new Map(supervisor.statuses().map((s) => [s.id, s]));
  const local = config.models
    .filter((m) => visible(m.id, m.aliases))
    .map((m): UiModelDetail => {
      const status = statusOf.get(m.id);
      const state = status?.state ?? 'stopped';
      const { startingAtMs, readyAtMs } = times.get(m.id);
      const finished = source.lastFinishedAtMs(m.id);
      const idle = state === 'ready' && (status?.inFlight ?? 0) === 0 && readyAtMs !== null;
      return {
        id: m.id,
        name: m.name,
        description: m.description,
        aliases: m.aliases,
        unlisted: m.unlisted,
        groupId: m.groupId,
        peer: null,
        state,
        pid: status?.pid ?? null,
        port: status?.port ?? null,
        ttlMs: m.ttlMs,
        inFlight: status?.inFlight ?? 0,
        queued: status?.queued ?? 0,
        lastStartMs: status?.lastStartMs ?? null,
        readyAtMs,
        startingAtMs,
        idleSinceMs: idle ? Math.max(readyAtMs, finished ?? 0) : null,
        lastFailure: toUiFailure(status?.lastFailure ?? null),
      };
    });
  const remote = config.peers.flatMap((peer) =>
    peer.models
      .map((model) => `${peer.id}/${model}`)
      .filter((id) => visible(id, []))
      .map((id): UiModelDetail => ({
        id, name: null, description: null, aliases: [], unlisted: false, groupId: null, peer: peer.id, state: null, pid: null, port: null,
        ttlMs: 0, inFlight: 0, queued: 0, lastStartMs: null, readyAtMs: null, startingAtMs: null, idleSinceMs: null, lastFailure: null,
      })),
  );
  const groups = config.groups.map(({ id, swap, exclusive, persistent, implicit }) => ({ id, swap, exclusive, persistent, implicit }));
  return { nowMs: source.nowMs, groups, models: [...local, ...remote] };
}
