// filters: stripParams (comma list), setParams and setParamsByID, with macros substituted.
import type { KeyPath } from './config-issue.js';
import { PLAIN_FIELD, type MacroExpander } from './expand-macros.js';
import type { IssueCollector } from './issue-collector.js';
import type { RawFilters, RawMap } from './raw-config.js';
import type { Filters } from './types.js';

export const EMPTY_FILTERS: Filters = { stripParams: [], setParams: {}, setParamsByID: {} };

export function normalizeFilters(
  raw: RawFilters | undefined,
  path: KeyPath,
  expander: MacroExpander,
  issues: IssueCollector,
): Filters {
  if (raw === undefined) return EMPTY_FILTERS;
  const setParamsByID: Record<string, Readonly<Record<string, unknown>>> = {};
  const byIdPath = [...path, 'setParamsByID'];
  for (const [key, params] of Object.entries(raw.setParamsByID ?? {})) {
    const id = expander.text(key, [...byIdPath, key], PLAIN_FIELD);
    setParamsByID[id] = readParams(params, [...byIdPath, key], expander, issues);
  }
  return {
    stripParams: readStripParams(raw, path, expander, issues),
    setParams: readParams(raw.setParams ?? {}, [...path, 'setParams'], expander, issues),
    setParamsByID,
  };
}

function readStripParams(raw: RawFilters, path: KeyPath, expander: MacroExpander, issues: IssueCollector): string[] {
  // strip_params is llama-swap's older spelling
  const key = raw.stripParams === undefined && raw.strip_params !== undefined ? 'strip_params' : 'stripParams';
  const keyPath = [...path, key];
  const text = expander.text(raw.stripParams ?? raw.strip_params ?? '', keyPath, PLAIN_FIELD);
  const names = [...new Set(text.split(',').map((name) => name.trim()).filter((name) => name !== ''))];
  if (!names.includes('model')) return names;
  issues.warn(keyPath, '"model" is never stripped; removed from the list', { token: 'model' });
  return names.filter((name) => name !== 'model');
}

function readParams(raw: RawMap, path: KeyPath, expander: MacroExpander, issues: IssueCollector): Record<string, unknown> {
  const params = expander.map(raw, path, PLAIN_FIELD);
  if ('model' in params) {
    issues.warn([...path, 'model'], '"model" cannot be set by a filter; ignored', 'key');
    delete params.model;
  }
  return params;
}
