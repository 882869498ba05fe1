// Positions in a config merged from several files: a merged key path is traced back to the file
// that set it (merge-config-data.ts records that), whose own SourceMap finds line:column. Offsets
// are global: file i's offsets shifted past the files before it, so they still order keys (file
// order, then place in the file) and still map back to one file.
import { visit } from 'yaml';
import type { KeyPath } from './config-issue.js';
import { resolveOrigin, type Origin } from './merge-config-data.js';
import type { Anchor, Position, SourceMap, SourcePositions } from './source-map.js';

export interface SourcePart {
  /** As issues name it. */
  readonly file: string;
  readonly map: SourceMap;
  /** The file's length in characters. */
  readonly length: number;
}

export class MergedSourceMap implements SourcePositions {
  private readonly bases: number[] = [];
  private owners: WeakMap<object, number> | null = null;

  constructor(
    private readonly parts: readonly SourcePart[],
    private readonly origin: Origin,
  ) {
    let base = 0;
    for (const part of parts) {
      this.bases.push(base);
      base += part.length + 1;
    }
  }

  positionOf(path: KeyPath, anchor: Anchor = 'auto'): Position {
    const offset = this.offsetOf(path, anchor);
    return offset === undefined ? { line: 1, column: 1, file: this.parts[0]?.file ?? '' } : this.positionAtOffset(offset);
  }

  positionAtOffset(offset: number): Position {
    let index = 0;
    while (index + 1 < this.parts.length && (this.bases[index + 1] ?? Infinity) <= offset) index += 1;
    const part = this.parts[index];
    if (part === undefined) return { line: 1, column: 1 };
    return { ...part.map.positionAtOffset(offset - (this.bases[index] ?? 0)), file: part.file };
  }

  offsetOf(path: KeyPath, anchor: Anchor = 'auto'): number | undefined {
    const found = resolveOrigin(this.origin, path);
    return this.offsetIn(found.part, found.path, anchor);
  }

  /** The global offset of a value as one file has it (a value the merge refused has no merged path). */
  offsetOfOrigin(origin: Origin, anchor: Anchor = 'auto'): number | undefined {
    return this.offsetIn(origin.part, origin.path, anchor);
  }

  /** "file:line:col" of a value as one file has it. */
  describeOrigin(origin: Origin, anchor: Anchor = 'auto'): string {
    const offset = this.offsetOfOrigin(origin, anchor);
    const { line, column, file } = offset === undefined ? { line: 1, column: 1, file: this.parts[origin.part]?.file } : this.positionAtOffset(offset);
    return `${file ?? ''}:${line}:${column}`;
  }

  orderKeys(path: KeyPath, keys: readonly string[]): string[] {
    const at = (key: string): number => this.offsetOf([...path, key], 'key') ?? Number.MAX_SAFE_INTEGER;
    return [...keys].sort((a, b) => at(a) - at(b));
  }

  findToken(node: unknown, token: string): number | undefined {
    if (node === null || typeof node !== 'object') return undefined;
    const index = this.getOwners().get(node);
    if (index === undefined) return undefined;
    const local = this.parts[index]?.map.findToken(node, token);
    return local === undefined ? undefined : local + (this.bases[index] ?? 0);
  }

  private offsetIn(index: number, path: KeyPath, anchor: Anchor): number | undefined {
    const local = this.parts[index]?.map.offsetOf(path, anchor);
    return local === undefined ? undefined : local + (this.bases[index] ?? 0);
  }

  /** Which file's document a YAML node belongs to (built on first use). */
  private getOwners(): WeakMap<object, number> {
    if (this.owners !== null) return this.owners;
    const owners = new WeakMap<object, number>();
    this.parts.forEach((part, index) => {
      if (part.map.doc !== null) visit(part.map.doc, { Node: (_key, node) => void owners.set(node, index) });
    });
    this.owners = owners;
    return owners;
  }
}
