// Named DSL expressions → the sets the solver tries, in llama-swap's order (internal/matrix/
// program.go Compile): each expression parsed once, names resolved to model ids (a var first,
// then a model id), `+refs` checked and linked, cycles refused. Every problem is returned, each
// with the set it belongs to and where in its expression it is, so the caller can place it.
import type { MatrixNode, MatrixSet } from './matrix-types.js';
import { parseMatrixDsl, type DslNode } from './parse-matrix-dsl.js';

export interface MatrixDefinition {
  readonly name: string;
  readonly dsl: string;
}

export type MatrixProblemKind = 'no_sets' | 'syntax' | 'unknown_name' | 'undefined_set' | 'cycle';

export interface MatrixProblem {
  readonly kind: MatrixProblemKind;
  /** The set at fault, or null for the matrix as a whole. */
  readonly set: string | null;
  readonly message: string;
  /** Where in the set's expression (index and length), or null for the set's name. */
  readonly at: { readonly index: number; readonly length: number } | null;
  /** The name the problem is about (an unknown var or model, an undefined set), for hints. */
  readonly name?: string;
}

export interface CompiledMatrix {
  readonly sets: readonly MatrixSet[];
  readonly problems: readonly MatrixProblem[];
}

/** Returns the model id a DSL name stands for, or undefined. */
export type MatrixResolver = (name: string) => string | undefined;

export function compileMatrix(definitions: readonly MatrixDefinition[], resolve: MatrixResolver): CompiledMatrix {
  if (definitions.length === 0) return { sets: [], problems: [{ kind: 'no_sets', set: null, message: 'matrix must define at least one set', at: null }] };
  const names = new Set(definitions.map((d) => d.name));
  const problems: MatrixProblem[] = [];
  const parsed = new Map<string, DslNode>();
  const deps = new Map<string, string[]>();
  for (const { name: set, dsl } of definitions) {
    const result = parseMatrixDsl(dsl);
    if (!result.ok) {
      const { message, at, length } = result.error;
      problems.push({ kind: 'syntax', set, message, at: { index: at, length } });
      continue;
    }
    const refs: string[] = [];
    walk(result.root, (node) => {
      if (node.kind === 'name' && resolve(node.name) === undefined) {
        const at = { index: node.at, length: node.name.length };
        problems.push({ kind: 'unknown_name', set, message: `unknown var or model "${node.name}"`, at, name: node.name });
      } else if (node.kind === 'ref' && !names.has(node.name)) {
        const message = `references undefined set "${node.name}"`;
        problems.push({ kind: 'undefined_set', set, message, at: { index: node.at, length: node.name.length + 1 }, name: node.name });
      } else if (node.kind === 'ref' && !refs.includes(node.name)) {
        refs.push(node.name);
      }
    });
    parsed.set(set, result.root);
    deps.set(set, refs);
  }
  const order = orderByDependencies(definitions, deps, problems);
  if (problems.length > 0) return { sets: [], problems };

  const roots = new Map<string, MatrixNode>();
  // Filled in dependency order, so a ref's models are known when it is inlined.
  const setModels = new Map<string, ReadonlySet<string>>();
  const dslOf = new Map(definitions.map((d) => [d.name, d.dsl]));
  const sets = order.map((name): MatrixSet => {
    const models = new Set<string>();
    const link = (node: DslNode): MatrixNode => {
      if (node.kind === 'name') {
        const model = resolve(node.name) ?? node.name;
        models.add(model);
        return { kind: 'model', model };
      }
      if (node.kind === 'ref') {
        const target = roots.get(node.name);
        if (target === undefined) throw new Error(`compileMatrix: set "${node.name}" linked before it was compiled`);
        for (const model of setModels.get(node.name) ?? []) models.add(model);
        return { kind: 'ref', name: node.name, target };
      }
      return { kind: node.kind, children: node.children.map(link) };
    };
    const root = link(parsed.get(name) ?? { kind: 'and', children: [] });
    roots.set(name, root);
    setModels.set(name, models);
    return { name, dsl: dslOf.get(name) ?? '', root, models };
  });
  return { sets, problems };
}

function walk(node: DslNode, visit: (node: DslNode) => void): void {
  visit(node);
  if (node.kind === 'and' || node.kind === 'or') for (const child of node.children) walk(child, visit);
}

// Depth first from each set in definition order, a set after the sets it references: the order
// llama-swap tries candidates in (and so breaks cost ties by). The first cycle found is a problem.
function orderByDependencies(definitions: readonly MatrixDefinition[], deps: ReadonlyMap<string, readonly string[]>, problems: MatrixProblem[]): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const visit = (name: string): boolean => {
    const seen = state.get(name);
    if (seen === 'done') return true;
    if (seen === 'visiting') {
      problems.push({ kind: 'cycle', set: name, message: `circular reference detected involving set "${name}"`, at: null });
      return false;
    }
    state.set(name, 'visiting');
    for (const dep of deps.get(name) ?? []) if (!visit(dep)) return false;
    state.set(name, 'done');
    order.push(name);
    return true;
  };
  for (const { name } of definitions) if (!state.has(name) && !visit(name)) break;
  return order;
}
