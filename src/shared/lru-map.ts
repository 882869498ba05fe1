// A Map that forgets the least recently used entries past its bounds. Recency is a linked list
// beside the Map, so a hit only relinks a node: re-inserting the key into the Map on every hit
// (delete + set) leaves deleted entries in V8's hash table that every later lookup walks, which
// under a chat workload (the same system prompt on every request) cost tens of µs per lookup.
// Bounds are a count, a total cost (e.g. characters of text kept), or both; eviction happens in
// set(), right after the new entry went in.

export interface LruMapOptions<K, V> {
  /** At most this many entries (default: no limit). */
  readonly maxEntries?: number;
  /** At most this much total cost, as costOf() counts it (default: no limit). */
  readonly maxCost?: number;
  /** An entry's cost, counted once when it goes in. */
  readonly costOf?: (key: K, value: V) => number;
}

interface Node<K, V> {
  readonly key: K;
  readonly value: V;
  readonly cost: number;
  /** Toward the least recently used end. */
  older: Node<K, V> | null;
  newer: Node<K, V> | null;
}

/** Values may not be undefined: get() answers a miss with undefined, in a single lookup. */
export class LruMap<K, V extends NonNullable<unknown> | null> {
  private readonly nodes = new Map<K, Node<K, V>>();
  private oldest: Node<K, V> | null = null;
  private newest: Node<K, V> | null = null;
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
    return this.nodes.size;
  }

  /** The summed cost of the entries held (0 without costOf). */
  get totalCost(): number {
    return this.cost;
  }

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    if (node !== this.newest) {
      this.unlink(node);
      this.append(node);
    }
    return node.value;
  }

  /** Inserts or replaces as the most recently used, then drops the least recently used while over a bound. */
  set(key: K, value: V): void {
    this.delete(key);
    const node: Node<K, V> = { key, value, cost: this.costOf === null ? 0 : this.costOf(key, value), older: null, newer: null };
    this.nodes.set(key, node);
    this.append(node);
    this.cost += node.cost;
    while (this.oldest !== null && (this.nodes.size > this.maxEntries || this.cost > this.maxCost)) this.delete(this.oldest.key);
  }

  delete(key: K): boolean {
    const node = this.nodes.get(key);
    if (node === undefined) return false;
    this.nodes.delete(key);
    this.unlink(node);
    this.cost -= node.cost;
    return true;
  }

  clear(): void {
    this.nodes.clear();
    this.oldest = null;
    this.newest = null;
    this.cost = 0;
  }

  private append(node: Node<K, V>): void {
    node.older = this.newest;
    node.newer = null;
    if (this.newest !== null) this.newest.newer = node;
    else this.oldest = node;
    this.newest = node;
  }

  private unlink(node: Node<K, V>): void {
    if (node.older !== null) node.older.newer = node.newer;
    else this.oldest = node.newer;
    if (node.newer !== null) node.newer.older = node.older;
    else this.newest = node.older;
    node.older = null;
    node.newer = null;
  }
}
