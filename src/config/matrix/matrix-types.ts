// The compiled matrix (llama-swap's routing.router.settings.matrix): plain, immutable data the
// solver (solve-matrix.ts) reads. Expressions are kept as a graph, never expanded into every
// combination they allow.

/**
 * One node of a set's expression. `model` holds a model id (vars already resolved); `ref` is a
 * `+name` inlining, linked to that set's root (rejected when it would form a cycle).
 */
export type MatrixNode =
  | { readonly kind: 'model'; readonly model: string }
  | { readonly kind: 'and'; readonly children: readonly MatrixNode[] }
  | { readonly kind: 'or'; readonly children: readonly MatrixNode[] }
  | { readonly kind: 'ref'; readonly name: string; readonly target: MatrixNode };

export interface MatrixSet {
  readonly name: string;
  /** The expression as written (for logs). */
  readonly dsl: string;
  readonly root: MatrixNode;
  /** Every model the expression can name (through refs too). */
  readonly models: ReadonlySet<string>;
}

export interface MatrixConfig {
  /**
   * The order candidates are tried in, which breaks ties as llama-swap does: each set after the
   * sets it references (depth first, in definition order), not plain YAML order.
   */
  readonly sets: readonly MatrixSet[];
  /** Model id → cost of evicting it while running; a model not listed costs 1. */
  readonly evictCosts: Readonly<Record<string, number>>;
}
