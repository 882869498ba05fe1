// Builds a compiled matrix (and the routing that uses it) straight from set expressions, for
// solver and supervisor tests; names resolve to themselves, as llama-swap's tests do.
import { compileMatrix } from '../../src/config/matrix/compile-matrix.js';
import type { MatrixConfig } from '../../src/config/matrix/matrix-types.js';
import type { RoutingConfig } from '../../src/config/types.js';

export function makeMatrix(sets: Readonly<Record<string, string>>, evictCosts: Readonly<Record<string, number>> = {}): MatrixConfig {
  const compiled = compileMatrix(
    Object.entries(sets).map(([name, dsl]) => ({ name, dsl })),
    (name) => name,
  );
  if (compiled.problems.length > 0) throw new Error(`matrix does not compile: ${compiled.problems.map((p) => p.message).join('; ')}`);
  return { sets: compiled.sets, evictCosts };
}

export function matrixRouting(
  sets: Readonly<Record<string, string>>,
  evictCosts: Readonly<Record<string, number>> = {},
  fifoPriority: Readonly<Record<string, number>> = {},
): RoutingConfig {
  return { router: { use: 'matrix', matrix: makeMatrix(sets, evictCosts) }, fifoPriority };
}
