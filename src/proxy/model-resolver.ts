// Maps a requested model name to where it runs: a local model (by id, then alias) or a peer
// (always as "peerId/model", bare when exactly one peer lists it and no local name takes it).
// Every target is built once at boot, so resolving allocates nothing.
import type { Config, ModelConfig, PeerConfig } from '../config/types.js';
import { compileFilters, type CompiledFilters } from './filters.js';

interface TargetBase {
  /** The name the client asked for. */
  readonly requested: string;
  /** What the log line and errors call it: the local id, or "peerId/model". */
  readonly label: string;
  /** The "model" value the upstream receives. */
  readonly upstreamModel: string;
  /** Compiled for this requested name; null when nothing would change. */
  readonly filters: CompiledFilters | null;
}

export interface LocalTarget extends TargetBase {
  readonly kind: 'local';
  readonly model: ModelConfig;
}

export interface PeerTarget extends TargetBase {
  readonly kind: 'peer';
  readonly peer: PeerConfig;
}

export type Target = LocalTarget | PeerTarget;

export interface PrefixMatch {
  readonly target: Target;
  /** Whatever followed the model name in the path ("" or starting with "/"). */
  readonly rest: string;
}

export class ModelResolver {
  private readonly targets = new Map<string, Target>();
  private readonly locals = new Map<string, ModelConfig>();
  readonly availableIds: readonly string[];

  constructor(config: Config) {
    for (const model of config.models) this.addLocal(model.id, model);
    for (const model of config.models) for (const alias of model.aliases) this.addLocal(alias, model);
    const bareOwners = new Map<string, PeerConfig[]>();
    for (const peer of config.peers) {
      for (const peerModel of peer.models) {
        this.addPeer(`${peer.id}/${peerModel}`, peer, peerModel);
        bareOwners.set(peerModel, [...(bareOwners.get(peerModel) ?? []), peer]);
      }
    }
    for (const [peerModel, owners] of bareOwners) {
      const [only] = owners;
      if (owners.length === 1 && only !== undefined) this.addPeer(peerModel, only, peerModel);
    }
    this.availableIds = [
      ...config.models.filter((m) => !m.unlisted).map((m) => m.id),
      ...config.peers.flatMap((p) => p.models.map((m) => `${p.id}/${m}`)),
    ].sort();
  }

  resolve(name: string): Target | null {
    return this.targets.get(name) ?? null;
  }

  /** Local models only (load/unload, log streams): id or alias. */
  resolveLocal(name: string): ModelConfig | null {
    return this.locals.get(name) ?? null;
  }

  /** A local model named in a URL path, still percent-encoded (load, unload). */
  resolveLocalPath(raw: string): ModelConfig | null {
    const name = decodeModelPath(raw);
    return name === null ? null : this.resolveLocal(name);
  }

  /**
   * For "/upstream/<model>/<rest>" (raw, percent-encoded) where model ids may contain "/": the
   * longest name wins.
   */
  matchPrefix(path: string): PrefixMatch | null {
    let end = path.length;
    while (end > 0) {
      const name = decodeModelPath(path.slice(0, end));
      const target = name === null ? undefined : this.targets.get(name);
      if (target) return { target, rest: path.slice(end) };
      end = path.lastIndexOf('/', end - 1);
    }
    return null;
  }

  private addLocal(name: string, model: ModelConfig): void {
    if (this.targets.has(name)) return; // ids win over aliases; the first declaration wins
    this.locals.set(name, model);
    this.targets.set(name, {
      kind: 'local',
      requested: name,
      label: model.id,
      upstreamModel: model.useModelName ?? name,
      filters: compileFilters(model.filters, [name]),
      model,
    });
  }

  private addPeer(name: string, peer: PeerConfig, peerModel: string): void {
    if (this.targets.has(name)) return;
    this.targets.set(name, {
      kind: 'peer',
      requested: name,
      label: `${peer.id}/${peerModel}`,
      upstreamModel: peerModel,
      filters: compileFilters(peer.filters, [name, peerModel]),
      peer,
    });
  }
}

// A backslash, or an encoded "/" or backslash, is a separator to some URL parsers and part of
// a name to others; ".." climbs out of a path. No model is reachable under such a name, on
// any route, so no two layers can disagree about which model (or route) a path means.
const UNSAFE_RAW = /\\|%2f|%5c/i;

/** The model name in a URL path segment run (percent-decoded), or null when no model may have it. */
export function decodeModelPath(raw: string): string | null {
  if (UNSAFE_RAW.test(raw)) return null;
  const name = safeDecode(raw);
  return name.includes('..') || name.includes('\\') ? null : name;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray "%" is just part of the name
  }
}
