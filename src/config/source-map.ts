// Finds where a key path lives in the YAML source, so every issue can name line:column.
import { isAlias, isCollection, isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { KeyPath } from './config-issue.js';

export interface Position {
  readonly line: number;
  readonly column: number;
  /** The file, when the positions span several (a config dir: MergedSourceMap). */
  readonly file?: string;
}

/** auto: a scalar's value, else the key naming it. token: that text inside the scalar. */
export type Anchor = 'auto' | 'key' | 'value' | { readonly token: string };

interface Found {
  readonly key: unknown;
  readonly value: unknown;
  readonly complete: boolean;
}

/** Where issues are placed: one file's SourceMap, or several files merged (merged-source-map.ts). */
export interface SourcePositions {
  positionOf(path: KeyPath, anchor?: Anchor): Position;
  positionAtOffset(offset: number): Position;
  offsetOf(path: KeyPath, anchor?: Anchor): number | undefined;
  orderKeys(path: KeyPath, keys: readonly string[]): string[];
  findToken(node: unknown, token: string): number | undefined;
}

export class SourceMap implements SourcePositions {
  constructor(
    readonly doc: Document | null,
    private readonly lineCounter: LineCounter,
    private readonly text: string,
  ) {}

  positionOf(path: KeyPath, anchor: Anchor = 'auto'): Position {
    const offset = this.offsetOf(path, anchor);
    return offset === undefined ? { line: 1, column: 1 } : this.positionAtOffset(offset);
  }

  positionAtOffset(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** Source offset of a path, or undefined when it is not in the file (e.g. a default). */
  offsetOf(path: KeyPath, anchor: Anchor = 'auto'): number | undefined {
    if (this.doc === null) return undefined;
    const found = this.lookup(path);
    const keyStart = startOf(found.key);
    const valueStart = startOf(found.value);
    if (!found.complete) return keyStart ?? valueStart;
    if (anchor === 'key') return keyStart ?? valueStart;
    if (anchor === 'value') return valueStart ?? keyStart;
    if (typeof anchor === 'object') {
      const tokenAt = this.findToken(found.value, anchor.token);
      if (tokenAt !== undefined) return tokenAt;
    }
    if (isCollection(found.value) || isEmptyScalar(found.value)) return keyStart ?? valueStart;
    return valueStart ?? keyStart;
  }

  /** Map keys in the order they appear in the file (JS objects reorder numeric keys). */
  orderKeys(path: KeyPath, keys: readonly string[]): string[] {
    const at = (key: string): number => this.offsetOf([...path, key], 'key') ?? Number.MAX_SAFE_INTEGER;
    return [...keys].sort((a, b) => at(a) - at(b));
  }

  private lookup(path: KeyPath): Found {
    let found: Found = { key: null, value: this.doc?.contents ?? null, complete: true };
    for (const segment of path) {
      const next = this.child(this.deref(found.value), segment);
      if (next === undefined) return { ...found, complete: false };
      found = next;
    }
    return found;
  }

  private child(node: unknown, segment: string | number): Found | undefined {
    if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      return item === undefined ? undefined : { key: null, value: item, complete: true };
    }
    if (!isMap(node)) return undefined;
    for (const pair of node.items) {
      if (isScalar(pair.key) && String(pair.key.value) === String(segment) && pair.key.source !== '<<') {
        return { key: pair.key, value: pair.value, complete: true };
      }
    }
    // `<<: *base` merge keys: the key lives in the merged map.
    for (const pair of node.items) {
      if (!isScalar(pair.key) || pair.key.source !== '<<') continue;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const source of sources) {
        const found = this.child(this.deref(source), segment);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  private deref(node: unknown): unknown {
    if (isAlias(node) && this.doc !== null) return node.resolve(this.doc) ?? null;
    return node;
  }

  /** The first occurrence of token inside a scalar's source, skipping `# comment` lines. */
  findToken(node: unknown, token: string): number | undefined {
    if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
    const [start, end] = node.range;
    let at = this.text.indexOf(token, start);
    while (at !== -1 && at + token.length <= end) {
      const lineStart = this.text.lastIndexOf('\n', at - 1) + 1;
      if (!this.text.slice(lineStart, at).trim().startsWith('#')) return at;
      at = this.text.indexOf(token, at + 1);
    }
    return undefined;
  }
}

// `key:` with nothing after it: point at the key, not at the end of the line.
function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && (node.source === '' || node.source === undefined);
}

function startOf(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined;
  const range: unknown = node.range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
}
