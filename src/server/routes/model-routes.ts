// Model management: the OpenAI model list (what the caller's key may use), what is running,
// and explicit load/unload.
import type { ApiKeyConfig, Config, ModelConfig } from '../../config/types.js';
import type { ProcessState } from '../../process/types.js';
import type { ModelResolver } from '../../proxy/model-resolver.js';
import { modelNotFound } from '../../proxy/proxy-errors.js';
import type { ModelStatus, Supervisor } from '../../supervisor/types.js';
import type { AppContext } from '../app-env.js';
import { isListedFor } from '../is-listed-for.js';
import { sendJson, sendText } from '../responses.js';
import type { RouteDecl } from '../route-table.js';

export type ListedStatus = 'loaded' | 'loading' | 'unloaded';

export interface ModelRouteDeps {
  readonly config: Config;
  readonly supervisor: Supervisor;
  readonly resolver: ModelResolver;
}

export function getListedStatus(state: ProcessState): ListedStatus {
  if (state === 'ready') return 'loaded';
  return state === 'starting' ? 'loading' : 'unloaded';
}

/** The OpenAI list: local models (and aliases when configured) then peers, sorted by id; only what `key` may use. */
export function buildModelList(config: Config, statuses: readonly ModelStatus[], key: ApiKeyConfig | null = null): object {
  const stateOf = new Map(statuses.map((s) => [s.id, s.state]));
  const entry = (id: string, model: ModelConfig, aliasOf: string | null): object => ({
    id,
    object: 'model',
    created: config.loadedAtSec,
    owned_by: 'swapgate',
    ...(model.name === null ? {} : { name: model.name }),
    ...(model.description === null ? {} : { description: model.description }),
    meta: { ...model.metadata, aliases: model.aliases, ...(aliasOf === null ? {} : { alias_of: aliasOf }) },
    status: getListedStatus(stateOf.get(model.id) ?? 'stopped'),
  });
  const data: { id: string }[] = [];
  for (const model of config.models) {
    if (model.unlisted || !isListedFor(key, model.id, model.aliases)) continue;
    data.push(entry(model.id, model, null) as { id: string });
    if (config.includeAliasesInList) for (const alias of model.aliases) data.push(entry(alias, model, model.id) as { id: string });
  }
  for (const peer of config.peers) {
    for (const peerModel of peer.models) {
      const id = `${peer.id}/${peerModel}`;
      // Listed as "peer/model", which a request must then match itself (it has no aliases).
      if (!isListedFor(key, id, [])) continue;
      data.push({ id, object: 'model', created: config.loadedAtSec, owned_by: peer.id, meta: { peer: peer.id } } as { id: string });
    }
  }
  data.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { object: 'list', data };
}

export function getModelRoutes(deps: ModelRouteDeps): RouteDecl[] {
  const { config, supervisor, resolver } = deps;
  const byId = new Map(config.models.map((m) => [m.id, m]));
  // Without a scoped key configured, everyone sees everything: no lookup at all.
  const scoped = config.apiKeys.some((k) => k.models !== null);
  const listModels = (c: AppContext): Response => {
    const key = scoped ? c.get('exchange').caller : null;
    return sendJson(c, buildModelList(config, supervisor.statuses(), key));
  };
  const running = (c: AppContext): Response => {
    const list = supervisor
      .statuses()
      .filter((s) => s.state !== 'stopped' && s.state !== 'shutdown')
      .map((s) => {
        const model = byId.get(s.id);
        return {
          model: s.id,
          state: s.state,
          cmd: model?.cmd.join(' ') ?? '',
          proxy: s.baseUrl ?? model?.proxy ?? '',
          ttl: Math.round((model?.ttlMs ?? 0) / 1000),
          name: model?.name ?? null,
          pid: s.pid,
          port: s.port,
        };
      });
    return sendJson(c, { running: list });
  };
  // The model named after the prefix (ids may contain "/"), recorded on the exchange. Read from
  // the request target as sent, not from the URL hono normalized ("/api/models/load/../unload/m"
  // names no model rather than unloading m).
  const findLocal = (c: AppContext, prefix: string): ModelConfig => {
    const exchange = c.get('exchange');
    const target = exchange.rawUrl.split('?', 1)[0] ?? '';
    const name = target.startsWith(prefix) ? target.slice(prefix.length) : target;
    const model = resolver.resolveLocalPath(name);
    if (model === null) throw modelNotFound(name, config.models.map((m) => m.id));
    exchange.model = model.id;
    return model;
  };
  // Wildcards rather than regex params keep hono on its fast RegExpRouter.
  return [
    { method: 'GET', path: '/v1/models', auth: 'key', handle: listModels },
    { method: 'GET', path: '/models', auth: 'key', handle: listModels },
    { method: 'GET', path: '/running', auth: 'admin', handle: running },
    {
      method: 'POST',
      path: '/api/models/unload',
      auth: 'admin',
      admin: 'unload_all',
      handle: async (c) => {
        await supervisor.unloadAll('api');
        return sendText(c, 'OK');
      },
    },
    {
      method: 'POST',
      path: '/api/models/unload/*',
      auth: 'admin',
      admin: 'unload',
      handle: async (c) => {
        await supervisor.unload(findLocal(c, '/api/models/unload/').id, 'api');
        return sendText(c, 'OK');
      },
    },
    {
      method: 'POST',
      path: '/api/models/load/*',
      auth: 'admin',
      admin: 'load',
      handle: async (c) => {
        await supervisor.load(findLocal(c, '/api/models/load/').id, c.get('exchange').signal);
        return sendText(c, 'OK');
      },
    },
  ];
}
