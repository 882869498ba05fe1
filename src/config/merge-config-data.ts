// The files of a config dir (and --config) merged into one config the way llama-swap merges them
// (internal/config/merge.go): maps merge key by key; under an identity map (models, groups,
// profiles, selectors, peers, matrix, routing.router.settings.groups/.matrix) a key may appear in
// one file only; lists concatenate in file order; a scalar set in two files must be the same;
// an empty value yields to the other file's. Pure: it works on each file's plain data and
// records where every merged value came from (Origin), so issues can name file:line:col.
import type { KeyPath } from './config-issue.js';
import { isRecord } from './is-record.js';

/** Where a merged value came from: a value in one file, or, when merged, its parts' own origins. */
export interface Origin {
  /** The file's index in load order (for a merged map: the first file that has it). */
  readonly part: number;
  /** The value's path in that file (list indices are the file's own). */
  readonly path: KeyPath;
  /** A map merged from several files: each key's origin. */
  readonly keys?: ReadonlyMap<string, Origin>;
  /** A list concatenated from several files: each item's origin. */
  readonly items?: readonly Origin[];
}

export type MergeConflictKind =
  /** The same key under an identity map (a second model "x"). */
  | 'duplicate'
  /** Two different scalars. */
  | 'different_values'
  /** A map and a list, a list and a number... */
  | 'different_kinds';

export interface MergeConflict {
  readonly kind: MergeConflictKind;
  /** The merged path, e.g. ["models", "x"]. */
  readonly path: KeyPath;
  /** The value kept (from an earlier file) and the one refused. */
  readonly kept: Origin;
  readonly refused: Origin;
  readonly keptValue: unknown;
  readonly refusedValue: unknown;
}

export interface MergedData {
  readonly data: Record<string, unknown>;
  readonly origin: Origin;
  readonly conflicts: readonly MergeConflict[];
}

/** Dotted paths whose children each name one thing (llama-swap's identityMapPaths). */
export const IDENTITY_MAP_PATHS: ReadonlySet<string> = new Set([
  'models',
  'groups',
  'profiles',
  'selectors',
  'peers',
  'matrix',
  'routing.router.settings.groups',
  'routing.router.settings.matrix',
]);

interface Tracked {
  readonly value: unknown;
  readonly origin: Origin;
}

/** parts: each file's top-level map, in load order (an empty file is {}). */
export function mergeConfigData(parts: readonly Record<string, unknown>[]): MergedData {
  const conflicts: MergeConflict[] = [];
  let merged: Tracked = { value: parts[0] ?? {}, origin: { part: 0, path: [] } };
  for (let i = 1; i < parts.length; i++) {
    merged = mergeMaps(merged, { value: parts[i], origin: { part: i, path: [] } }, [], conflicts);
  }
  return { data: merged.value as Record<string, unknown>, origin: merged.origin, conflicts };
}

function childOf(parent: Tracked, key: string | number): Tracked {
  const value = (parent.value as Record<string | number, unknown>)[key];
  const known = typeof key === 'number' ? parent.origin.items?.[key] : parent.origin.keys?.get(key);
  return { value, origin: known ?? { part: parent.origin.part, path: [...parent.origin.path, key] } };
}

/** Like obj[key] = value, also for a key named "__proto__" (YAML allows it; yaml's toJS keeps it as data). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function mergeMaps(dst: Tracked, src: Tracked, path: readonly string[], conflicts: MergeConflict[]): Tracked {
  const left = dst.value as Record<string, unknown>;
  const right = src.value as Record<string, unknown>;
  const value: Record<string, unknown> = {};
  const keys = new Map<string, Origin>();
  for (const key of Object.keys(left)) {
    const kept = childOf(dst, key);
    const merged = Object.hasOwn(right, key) ? mergeChild(kept, childOf(src, key), [...path, key], conflicts) : kept;
    setOwn(value, key, merged.value);
    keys.set(key, merged.origin);
  }
  for (const key of Object.keys(right)) {
    if (Object.hasOwn(left, key)) continue;
    const added = childOf(src, key);
    setOwn(value, key, added.value);
    keys.set(key, added.origin);
  }
  return { value, origin: { part: dst.origin.part, path: dst.origin.path, keys } };
}

function mergeChild(dst: Tracked, src: Tracked, path: readonly string[], conflicts: MergeConflict[]): Tracked {
  if (isEmpty(src.value)) return dst;
  if (isEmpty(dst.value)) return src;
  const conflict = (kind: MergeConflictKind, kept: Tracked, refused: Tracked, at: KeyPath = path): Tracked => {
    conflicts.push({ kind, path: at, kept: kept.origin, refused: refused.origin, keptValue: kept.value, refusedValue: refused.value });
    return dst;
  };
  if (IDENTITY_MAP_PATHS.has(path.join('.'))) {
    if (!isRecord(dst.value) || !isRecord(src.value)) return conflict('different_kinds', dst, src);
    const right = src.value;
    for (const key of Object.keys(right).filter((k) => Object.hasOwn(dst.value as object, k))) {
      conflict('duplicate', childOf(dst, key), childOf(src, key), [...path, key]);
    }
    const added = Object.fromEntries(Object.keys(right).filter((k) => !Object.hasOwn(dst.value as object, k)).map((k) => [k, right[k]]));
    return mergeMaps(dst, { value: added, origin: src.origin }, path, conflicts);
  }
  if (isRecord(dst.value) && isRecord(src.value)) return mergeMaps(dst, src, path, conflicts);
  if (Array.isArray(dst.value) && Array.isArray(src.value)) {
    const itemsOf = (list: Tracked): Origin[] => (list.value as unknown[]).map((_, i) => childOf(list, i).origin);
    return { value: [...dst.value, ...src.value], origin: { part: dst.origin.part, path: dst.origin.path, items: [...itemsOf(dst), ...itemsOf(src)] } };
  }
  const scalar = (v: unknown): boolean => !isRecord(v) && !Array.isArray(v);
  if (scalar(dst.value) && scalar(src.value)) return Object.is(dst.value, src.value) ? dst : conflict('different_values', dst, src);
  return conflict('different_kinds', dst, src);
}

// `key:` with nothing after it (or ~): llama-swap's null yields to the other file's value.
function isEmpty(value: unknown): boolean {
  return value === null || value === undefined;
}

/** The file and path in it of a merged path; past the merged part, the rest of the path is the file's own. */
export function resolveOrigin(root: Origin, path: KeyPath): { part: number; path: KeyPath } {
  let origin = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string | number;
    const next = typeof segment === 'number' ? origin.items?.[segment] : origin.keys?.get(segment);
    if (next === undefined) return { part: origin.part, path: [...origin.path, ...path.slice(i)] };
    origin = next;
  }
  return { part: origin.part, path: origin.path };
}
