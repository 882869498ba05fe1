// GET /ui/events for the web UI: the model list with each model's state, then one line per
// state change, as NDJSON. A stream rather than polling /running: the UI stays live without
// writing a request log line every few seconds, and it needs no state kept on the server.
import type { Config } from '../../config/types.js';
import type { ProcessState, StateChange } from '../../process/types.js';
import type { ModelStatus, Supervisor } from '../../supervisor/types.js';
import { createLiveTextStream } from '../live-text-stream.js';

/** Why a model last stopped by itself: the page shows it as "failed" with this message. */
export interface UiFailure {
  readonly atMs: number;
  readonly message: string;
}

export interface UiModel {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly aliases: readonly string[];
  /** The peer serving it, or null for a local model. */
  readonly peer: string | null;
  /** null for a peer's model (its state is the peer's business). */
  readonly state: ProcessState | null;
  /** The last failed start or crash until its next ready; null for none (and for a peer's model). */
  readonly lastFailure: UiFailure | null;
}

/** Whether the caller is shown a model (by id and aliases). */
export type ModelFilter = (modelId: string, aliases: readonly string[]) => boolean;
const SHOW_ALL: ModelFilter = () => true;

export type ModelEvent =
  | { readonly type: 'snapshot'; readonly models: readonly UiModel[] }
  | {
      readonly type: 'state';
      readonly model: string;
      readonly from: ProcessState;
      readonly to: ProcessState;
      readonly reason: string;
      /** As in the snapshot, so an open tab shows the message too. */
      readonly lastFailure: UiFailure | null;
    };

/** What /v1/models lists (unlisted models stay out), with the exact process state. */
export function listUiModels(config: Config, supervisor: Supervisor, visible: ModelFilter = SHOW_ALL): UiModel[] {
  const statusOf = new Map(supervisor.statuses().map((s) => [s.id, s]));
  const local = config.models
    .filter((m) => !m.unlisted && visible(m.id, m.aliases))
    .map((m) => ({
      id: m.id,
      name: m.name,
      description: m.description,
      aliases: m.aliases,
      peer: null,
      state: statusOf.get(m.id)?.state ?? 'stopped',
      lastFailure: toUiFailure(statusOf.get(m.id)),
    }));
  const remote = config.peers.flatMap((peer) =>
    peer.models
      .filter((model) => visible(`${peer.id}/${model}`, []))
      .map((model) => ({
        id: `${peer.id}/${model}`,
        name: null,
        description: null,
        aliases: [],
        peer: peer.id,
        state: null,
        lastFailure: null,
      })),
  );
  return [...local, ...remote].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function toUiFailure(status: ModelStatus | undefined): UiFailure | null {
  const failure = status?.lastFailure ?? null;
  return failure === null ? null : { atMs: failure.atMs, message: failure.message };
}

/** What ends a UI stream besides the client: the daemon going away (LogHub.end at shutdown). */
export interface StreamEnd {
  onEnd(callback: () => void): () => void;
}

/**
 * A snapshot, then the changes of the models in it (nothing else: an unlisted or hidden id never
 * reaches the caller). Ends when a model reaches "shutdown" (this supervisor is being retired by
 * a config reload or exit, and the UI reconnects to whatever serves next) or when `end` fires:
 * with peers only there is no local model to shut down, and the stream must not hold the exit.
 */
export function streamModelEvents(
  config: Config,
  supervisor: Supervisor,
  end: StreamEnd,
  visible: ModelFilter = SHOW_ALL,
): ReadableStream<Uint8Array> {
  return createLiveTextStream((live) => {
    const send = (event: ModelEvent): void => live.send(`${JSON.stringify(event)}\n`);
    const models = listUiModels(config, supervisor, visible);
    const shown = new Set(models.map((m) => m.id));
    const onState = (change: StateChange): void => {
      if (shown.has(change.modelId)) {
        const { from, to, reason } = change;
        send({ type: 'state', model: change.modelId, from, to, reason, lastFailure: toUiFailure(supervisor.status(change.modelId)) });
      }
      if (change.to === 'shutdown') live.close();
    };
    send({ type: 'snapshot', models });
    supervisor.on('state', onState);
    live.onStop(() => supervisor.off('state', onState));
    live.onStop(end.onEnd(() => live.close()));
  });
}
