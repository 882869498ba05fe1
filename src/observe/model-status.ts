// The "modelStatus" payload of /api/events: every configured model with its process state, then
// the peers' models, in llama-swap's apiModel shape (internal/server/apigroup.go modelStatus).
import type { Config } from '../config/types.js';
import type { ModelStatus } from '../supervisor/types.js';

export interface ApiModel {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly state: string;
  readonly unlisted: boolean;
  readonly peerID: string;
  readonly aliases?: readonly string[];
}

export function listModelStatus(config: Config, statuses: readonly ModelStatus[]): ApiModel[] {
  const stateOf = new Map(statuses.map((s) => [s.id, s.state]));
  const local = [...config.models]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m): ApiModel => {
      const model = { id: m.id, name: m.name ?? '', description: m.description ?? '', state: stateOf.get(m.id) ?? 'stopped', unlisted: m.unlisted, peerID: '' };
      return m.aliases.length === 0 ? model : { ...model, aliases: m.aliases };
    });
  const peers = config.peers.flatMap((peer) =>
    peer.models.map((model): ApiModel => ({ id: `${peer.id}/${model}`, name: '', description: '', state: '', unlisted: false, peerID: peer.id })),
  );
  return [...local, ...peers];
}
