// A Map that forgets the least recently used entries past its bounds. A JS Map iterates in
// insertion order, so re-inserting a key on every use keeps the stalest entry first and both
// get and set stay O(1). Bounds are a count, a total cost (e.g. characters of text kept), or
// both; eviction happens in set(), right after the new entry went in.

export interface LruMapOptions<K, V> {
  /** At most this many entries (default: no limit). */
  readonly maxEntries?: number;
  /** At most this much total cost, as costOf() counts it (default: no limit). */
  readonly maxCost?: number;
  /** An entry's cost; read again on removal, so it must not change while the entry is held. */
  readonly costOf?: (key: K, value: V) => number;
}

/** Values may not be undefined: get() answers a miss with undefined, in a single lookup. */
export class LruMap<K, V extends NonNullable<unknown> | null> {
  private readonly entries = new Map<K, V>();
  private readonly maxEntries: number;
  private readonly maxCost: number;
  private readonly costOf: ((key: K, value: V) => number) | null;
  private cost = 0;

  constructor(options: LruMapOptions<K, V> = {}) {
    this.maxEntries = options.maxEntries ?? Infinity;
    this.maxCost = options.maxCost ?? Infinity;
    this.costOf = options.costOf ?? null;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The summed cost of the entries held (0 without costOf). */
  get totalCost(): number {
    return this.cost;
  }

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Inserts or replaces as the most recently used, then drops the least recently used while over a bound. */
  set(key: K, value: V): void {
    this.delete(key);
    this.entries.set(key, value);
    if (this.costOf !== null) this.cost += this.costOf(key, value);
    if (this.entries.size <= this.maxEntries && this.cost <= this.maxCost) return;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.cost <= this.maxCost) break;
      this.delete(oldest);
    }
  }

  delete(key: K): boolean {
    const value = this.entries.get(key);
    if (value === undefined) return false;
    this.entries.delete(key);
    if (this.costOf !== null) this.cost -= this.costOf(key, value);
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.cost = 0;
  }
}
