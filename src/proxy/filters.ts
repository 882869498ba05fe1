// Request-body filters, compiled once per target: strip fields, then set fields (setParams,
// then setParamsByID for the requested name). Keys may be dotted paths ("a.b"). "model" is
// routing's business and is never stripped or set here.
import type { Filters } from '../config/types.js';

export interface CompiledFilters {
  readonly strip: readonly (readonly string[])[];
  readonly set: readonly (readonly [readonly string[], unknown])[];
}

type JsonObject = Record<string, unknown>;

/** null when the filters would change nothing, so the hot path can skip them. */
export function compileFilters(filters: Filters, byIdKeys: readonly string[]): CompiledFilters | null {
  const byIdKey = byIdKeys.find((key) => Object.hasOwn(filters.setParamsByID, key));
  const byId = byIdKey === undefined ? {} : (filters.setParamsByID[byIdKey] ?? {});
  const strip = filters.stripParams.filter((p) => p !== 'model').map(splitPath);
  const set = [...Object.entries(filters.setParams), ...Object.entries(byId)]
    .filter(([key]) => key !== 'model')
    .map(([key, value]) => [splitPath(key), value] as const);
  return strip.length === 0 && set.length === 0 ? null : { strip, set };
}

export function applyFilters(body: JsonObject, filters: CompiledFilters): void {
  for (const path of filters.strip) deletePath(body, path);
  for (const [path, value] of filters.set) setPath(body, path, value);
}

function splitPath(key: string): string[] {
  return key.split('.').filter((part) => part !== '');
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deletePath(body: JsonObject, path: readonly string[]): void {
  let node: JsonObject = body;
  for (let i = 0; i < path.length - 1; i++) {
    const next = node[path[i] as string];
    if (!isObject(next)) return;
    node = next;
  }
  const last = path[path.length - 1];
  if (last !== undefined) delete node[last];
}

export function setPath(body: JsonObject, path: readonly string[], value: unknown): void {
  let node: JsonObject = body;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const next = node[key];
    if (isObject(next)) node = next;
    else {
      const created: JsonObject = {};
      node[key] = created;
      node = created;
    }
  }
  const last = path[path.length - 1];
  // structuredClone: a later filter or the upstream path must never mutate the config.
  if (last !== undefined) node[last] = typeof value === 'object' && value !== null ? structuredClone(value) : value;
}
