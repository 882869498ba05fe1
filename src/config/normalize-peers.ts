// peers → PeerConfig list. Only global macros apply (there is no ${MODEL_ID} here).
import { MacroExpander, PLAIN_FIELD } from './expand-macros.js';
import type { IssueCollector } from './issue-collector.js';
import type { MacroEntry } from './macro-list.js';
import { normalizeFilters } from './normalize-filters.js';
import { readHttpUrl } from './read-fields.js';
import type { RawPeer } from './raw-config.js';
import type { PeerConfig } from './types.js';

export function normalizePeers(
  raw: Readonly<Record<string, RawPeer>> | undefined,
  globals: readonly MacroEntry[],
  issues: IssueCollector,
): PeerConfig[] {
  const x = new MacroExpander(globals, issues);
  return issues.source.orderKeys(['peers'], Object.keys(raw ?? {})).map((id) => {
    const peer = raw?.[id] ?? {};
    const path = ['peers', id];
    const proxy = x.text(peer.proxy ?? '', [...path, 'proxy'], PLAIN_FIELD).trim().replace(/\/+$/, '');
    if (peer.proxy !== undefined) readHttpUrl(proxy, proxy, [...path, 'proxy'], issues);
    const apiKey = x.text(peer.apiKey ?? '', [...path, 'apiKey'], PLAIN_FIELD).trim();
    return {
      id,
      proxy,
      models: (peer.models ?? []).map((model, i) => x.text(model, [...path, 'models', i], PLAIN_FIELD).trim()),
      apiKey: apiKey === '' ? null : apiKey,
      filters: normalizeFilters(peer.filters, [...path, 'filters'], x, issues),
    };
  });
}
