// The matrix solver, a pure function (llama-swap internal/matrix/program.go Solve): among the
// combinations the sets allow that contain the target, pick the one whose eviction cost (the
// summed costs of the running models it leaves out) is lowest; the first one found wins a tie,
// trying sets in MatrixConfig.sets order. A target in no set runs alone.
//
// Only the target and the running models matter, so each combination is projected onto them
// (one bit each); combinations with the same projection collapse into the first, and one whose
// projection is inside another's is dropped (it cannot cost less). Expressions are never
// expanded into every combination they allow.
import type { MatrixConfig, MatrixNode, MatrixSet } from './matrix-types.js';

export interface MatrixDecision {
  /** The running models to stop, in the order `running` listed them. */
  readonly evict: readonly string[];
  /** The chosen combination's models (sorted), the target among them. */
  readonly targetSet: readonly string[];
  /** The set it came from; null when the target is in no set (it then runs alone). */
  readonly set: MatrixSet | null;
  /** The summed evict costs of `evict`. */
  readonly cost: number;
}

interface Witness {
  readonly model: string | null;
  readonly left: Witness | null;
  readonly right: Witness | null;
}

interface State {
  /** The relevant models this combination holds, one bit each. */
  readonly mask: bigint;
  /** How to list the combination's models (for targetSet and logs). */
  readonly witness: Witness | null;
}

const isSubset = (inner: bigint, outer: bigint): boolean => (inner & ~outer) === 0n;

// A new state joins unless one already there holds it; states it holds leave (order is kept).
function addToFrontier(states: State[], candidate: State): State[] {
  if (states.some((state) => isSubset(candidate.mask, state.mask))) return states;
  const kept = states.filter((state) => !isSubset(state.mask, candidate.mask));
  kept.push(candidate);
  return kept;
}

class Evaluator {
  private readonly bits = new Map<string, bigint>();
  private readonly memo = new Map<MatrixNode, State[]>();

  constructor(relevant: readonly string[]) {
    for (const model of relevant) if (!this.bits.has(model)) this.bits.set(model, 1n << BigInt(this.bits.size));
  }

  bit(model: string): bigint {
    return this.bits.get(model) ?? 0n;
  }

  maskOf(models: readonly string[]): bigint {
    return models.reduce((mask, model) => mask | this.bit(model), 0n);
  }

  evaluate(node: MatrixNode): State[] {
    const known = this.memo.get(node);
    if (known !== undefined) return known;
    let states: State[] = [];
    if (node.kind === 'model') {
      states = [{ mask: this.bit(node.model), witness: { model: node.model, left: null, right: null } }];
    } else if (node.kind === 'ref') {
      states = this.evaluate(node.target);
    } else if (node.kind === 'or') {
      for (const child of node.children) for (const state of this.evaluate(child)) states = addToFrontier(states, state);
    } else {
      states = [{ mask: 0n, witness: null }];
      for (const child of node.children) {
        let combined: State[] = [];
        for (const left of states) {
          for (const right of this.evaluate(child)) {
            const witness = { model: null, left: left.witness, right: right.witness };
            combined = addToFrontier(combined, { mask: left.mask | right.mask, witness });
          }
        }
        states = combined;
      }
    }
    this.memo.set(node, states);
    return states;
  }
}

function listModels(root: Witness | null): string[] {
  const models = new Set<string>();
  const visit = (witness: Witness | null): void => {
    if (witness === null) return;
    if (witness.model !== null) models.add(witness.model);
    visit(witness.left);
    visit(witness.right);
  };
  visit(root);
  return [...models].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function getEvictCost(matrix: MatrixConfig, model: string): number {
  return matrix.evictCosts[model] ?? 1;
}

/** running: the models up (starting, ready or stopping), in the order evictions are listed. */
export function solveMatrix(matrix: MatrixConfig, target: string, running: readonly string[]): MatrixDecision {
  if (running.includes(target)) return { evict: [], targetSet: [...running], set: findContainingSet(matrix, running), cost: 0 };
  const evaluator = new Evaluator([target, ...running]);
  const targetBit = evaluator.bit(target);
  let best: { readonly set: MatrixSet; readonly state: State; readonly cost: number } | null = null;
  for (const set of matrix.sets) {
    if (!set.models.has(target)) continue;
    for (const state of evaluator.evaluate(set.root)) {
      if ((state.mask & targetBit) === 0n) continue;
      let cost = 0;
      for (const model of running) if ((state.mask & evaluator.bit(model)) === 0n) cost += getEvictCost(matrix, model);
      if (best === null || cost < best.cost) best = { set, state, cost };
    }
  }
  if (best === null) {
    const cost = running.reduce((sum, model) => sum + getEvictCost(matrix, model), 0);
    return { evict: [...running], targetSet: [target], set: null, cost };
  }
  const { state } = best;
  const evict = running.filter((model) => (state.mask & evaluator.bit(model)) === 0n);
  return { evict, targetSet: listModels(state.witness), set: best.set, cost: best.cost };
}

/** The first set (in solve order) allowing all these models at once, or null. */
export function findContainingSet(matrix: MatrixConfig, models: readonly string[]): MatrixSet | null {
  if (models.length === 0) return null;
  const evaluator = new Evaluator(models);
  const required = evaluator.maskOf(models);
  for (const set of matrix.sets) {
    if (!models.every((model) => set.models.has(model))) continue;
    if (evaluator.evaluate(set.root).some((state) => isSubset(required, state.mask))) return set;
  }
  return null;
}

/** Whether one combination allows all these models at once (llama-swap's CanContainAll). */
export function canRunTogether(matrix: MatrixConfig, models: readonly string[]): boolean {
  return models.length === 0 || findContainingSet(matrix, models) !== null;
}
