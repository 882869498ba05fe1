// apiKeys: llama-swap's list of strings, or swapgate's objects with a name, scope and limits.
import { MacroExpander, PLAIN_FIELD } from './expand-macros.js';
import type { IssueCollector } from './issue-collector.js';
import type { MacroEntry } from './macro-list.js';
import type { RawApiKey } from './raw-config.js';
import type { ApiKeyConfig } from './types.js';

export function normalizeApiKeys(
  raw: readonly RawApiKey[] | undefined,
  globals: readonly MacroEntry[],
  issues: IssueCollector,
): ApiKeyConfig[] {
  const x = new MacroExpander(globals, issues);
  const keys: ApiKeyConfig[] = [];
  const firstIndex = new Map<string, number>();
  (raw ?? []).forEach((entry, i) => {
    const spec = typeof entry === 'string' ? { key: entry } : entry;
    if (spec.key === undefined) return; // missing key: reported by the schema check
    const keyPath = typeof entry === 'string' ? ['apiKeys', i] : ['apiKeys', i, 'key'];
    const key = x.text(spec.key, keyPath, PLAIN_FIELD);
    const previous = firstIndex.get(key);
    if (key.trim() === '') issues.error(keyPath, 'the API key is empty (is its environment variable empty?)');
    else if (/\s/.test(key)) issues.error(keyPath, 'an API key cannot contain spaces');
    else if (previous !== undefined) issues.error(keyPath, `duplicate API key (same as apiKeys[${previous}])`);
    else firstIndex.set(key, i);
    const name = x.text(spec.name ?? '', ['apiKeys', i, 'name'], PLAIN_FIELD).trim();
    keys.push({
      key,
      name: name === '' ? `key-${i}` : name,
      models: spec.models === undefined ? null : spec.models.map((model) => model.trim()),
      requestsPerMinute: spec.requestsPerMinute ?? null,
      admin: spec.admin ?? false,
    });
  });
  return keys;
}
