// What, in a matrix, decides which other models a model may run beside: the sets that name it
// (through refs too), each with the sets it references, written out in one canonical form. A
// set that does not name a model cannot allow any combination holding it, so two models whose
// placements are unchanged by a reload may still run together exactly when they could before
// (model-fingerprint.ts). Evict costs and set order only change choices, not what is allowed.
import type { MatrixConfig, MatrixNode, MatrixSet } from './matrix-types.js';

function writeNode(node: MatrixNode): string {
  if (node.kind === 'model') return JSON.stringify(node.model);
  if (node.kind === 'ref') return `+${JSON.stringify(node.name)}`;
  return `(${node.children.map(writeNode).join(node.kind === 'and' ? ' & ' : ' | ')})`;
}

function collectRefs(node: MatrixNode, into: Set<string>): void {
  if (node.kind === 'ref') into.add(node.name);
  else if (node.kind !== 'model') for (const child of node.children) collectRefs(child, into);
}

/** Sorted "name=expression" lines; empty for a model in no set (it runs alone). */
export function getMatrixPlacement(matrix: MatrixConfig, modelId: string): string[] {
  const byName = new Map(matrix.sets.map((set) => [set.name, set]));
  const included = new Set<string>();
  const include = (set: MatrixSet): void => {
    if (included.has(set.name)) return;
    included.add(set.name);
    const refs = new Set<string>();
    collectRefs(set.root, refs);
    for (const name of refs) {
      const ref = byName.get(name);
      if (ref !== undefined) include(ref);
    }
  };
  for (const set of matrix.sets) if (set.models.has(modelId)) include(set);
  return [...included].map((name) => `${JSON.stringify(name)}=${writeNode(byName.get(name)?.root ?? { kind: 'and', children: [] })}`).sort();
}
