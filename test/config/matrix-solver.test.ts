// The matrix solver against the cases of llama-swap's own tests (internal/matrix/dsl_test.go,
// tiebreaker_test.go, internal/router/matrix_test.go, internal/config/matrix_test.go).
import { describe, expect, test } from 'vitest';
import { canRunTogether, solveMatrix } from '../../src/config/matrix/solve-matrix.js';
import { makeMatrix } from '../helpers/matrix-routing.js';

interface Case {
  readonly name: string;
  readonly sets: Record<string, string>;
  readonly costs?: Record<string, number>;
  readonly target: string;
  readonly running: string[];
  readonly set: string | null;
  readonly evict: string[];
  readonly targetSet: string[];
  readonly cost?: number;
}

// Six dimensions of ten alternatives each: a million combinations, never expanded.
const large = Array.from({ length: 6 }, (_, d) => `(${Array.from({ length: 10 }, (_, c) => `model-${d}-${c}`).join(' | ')})`);
const wide = Array.from({ length: 70 }, (_, i) => `model-${i}`);

const cases: Case[] = [
  { name: 'nothing running', sets: { s: 'a & b' }, target: 'a', running: [], set: 's', evict: [], targetSet: ['a', 'b'] },
  { name: 'and: coexists', sets: { s: 'a & b' }, target: 'a', running: ['b'], set: 's', evict: [], targetSet: ['a', 'b'] },
  { name: 'or: alternatives swap', sets: { s: 'a | b | c' }, target: 'a', running: ['b'], set: 's', evict: ['b'], targetSet: ['a'], cost: 1 },
  { name: 'cartesian product', sets: { s: '(a | b) & (c | d)' }, target: 'b', running: ['a', 'd'], set: 's', evict: ['a'], targetSet: ['b', 'd'] },
  { name: 'precedence: & binds tighter', sets: { s: 'a | b & c' }, target: 'c', running: ['a', 'b'], set: 's', evict: ['a'], targetSet: ['b', 'c'] },
  { name: 'deduplicates models', sets: { s: 'a & a' }, target: 'a', running: [], set: 's', evict: [], targetSet: ['a'] },
  {
    name: 'references nest',
    sets: { llms: 'g | q | m', with_tts: '+llms & v', mega: '+with_tts & e' },
    target: 'e',
    running: ['g', 'v'],
    set: 'mega',
    evict: [],
    targetSet: ['e', 'g', 'v'],
  },
  {
    name: 'overlapping references',
    sets: { base: 'a & b', extended: 'target & +base & b' },
    target: 'target',
    running: ['a', 'b'],
    set: 'extended',
    evict: [],
    targetSet: ['a', 'b', 'target'],
  },
  {
    name: 'no expansion limit',
    sets: { large: `target & ${large.join(' & ')}` },
    target: 'target',
    running: [...Array.from({ length: 6 }, (_, d) => `model-${d}-9`), 'outside'],
    set: 'large',
    evict: ['outside'],
    targetSet: ['model-0-9', 'model-1-9', 'model-2-9', 'model-3-9', 'model-4-9', 'model-5-9', 'target'],
  },
  {
    name: 'more than 64 relevant models',
    sets: { wide: ['target', ...wide].join(' & ') },
    target: 'target',
    running: [...wide, 'outside'],
    set: 'wide',
    evict: ['outside'],
    targetSet: [...wide, 'target'].sort(),
  },
  {
    name: 'a dominated projection gives way to the larger one',
    sets: { preferred: 'target & (a | (a & b))' },
    target: 'target',
    running: ['a', 'b'],
    set: 'preferred',
    evict: [],
    targetSet: ['a', 'b', 'target'],
  },
  { name: 'a target in no set runs alone', sets: { known: 'a & b' }, target: 'missing', running: ['a', 'b'], set: null, evict: ['a', 'b'], targetSet: ['missing'], cost: 2 },
  {
    name: 'cost ties go to the first combination found (lexical tie-breaker)',
    sets: { pool: '(t | a | b | c)', all: '+pool & +pool & +pool' },
    target: 't',
    running: ['a', 'b', 'c'],
    set: 'all',
    evict: ['c'],
    targetSet: ['a', 'b', 't'],
  },
  { name: 'tie: the earlier-defined set wins', sets: { first: 'a & b', second: 'a & c' }, target: 'a', running: [], set: 'first', evict: [], targetSet: ['a', 'b'] },
  {
    name: 'tie: a set is tried after the sets it references, not in file order',
    sets: { first: 'a & +second', second: 'a' },
    target: 'a',
    running: [],
    set: 'second',
    evict: [],
    targetSet: ['a'],
  },
  {
    name: 'evict costs steer towards keeping the expensive model',
    sets: { a_with_c: 'a & c', a_with_b: 'a & b' },
    costs: { b: 10, c: 1 },
    target: 'a',
    running: ['b', 'c'],
    set: 'a_with_b',
    evict: ['c'],
    targetSet: ['a', 'b'],
    cost: 1,
  },
  {
    name: 'llama-swap example: an LLM joins the running TTS',
    sets: { standard: '(gemma | qwen | mistral) & voxtral', full: 'llama70B' },
    costs: { llama70B: 30, voxtral: 50 },
    target: 'gemma',
    running: ['voxtral'],
    set: 'standard',
    evict: [],
    targetSet: ['gemma', 'voxtral'],
  },
  {
    name: 'llama-swap example: the 70B runs alone whatever it costs',
    sets: { standard: '(gemma | qwen | mistral) & voxtral', full: 'llama70B' },
    costs: { llama70B: 30, voxtral: 50 },
    target: 'llama70B',
    running: ['voxtral'],
    set: 'full',
    evict: ['voxtral'],
    targetSet: ['llama70B'],
    cost: 50,
  },
];

describe('solveMatrix', () => {
  test.each(cases)('$name', ({ sets, costs, target, running, set, evict, targetSet, cost }) => {
    const decision = solveMatrix(makeMatrix(sets, costs), target, running);
    expect({ set: decision.set?.name ?? null, evict: decision.evict, targetSet: decision.targetSet }).toEqual({ set, evict, targetSet });
    if (cost !== undefined) expect(decision.cost).toBe(cost);
  });

  test('a running target evicts nothing and names the set holding what runs', () => {
    const matrix = makeMatrix({ solo: 'a', pair: 'a & b' });
    expect(solveMatrix(matrix, 'a', ['a', 'b'])).toMatchObject({ evict: [], targetSet: ['a', 'b'], cost: 0, set: { name: 'pair' } });
    expect(solveMatrix(matrix, 'a', ['a', 'c'])).toMatchObject({ evict: [], set: null });
  });

  test('evict lists keep the order of the running list', () => {
    expect(solveMatrix(makeMatrix({ s: 'a' }), 'a', ['z', 'b', 'm']).evict).toEqual(['z', 'b', 'm']);
  });
});

describe('canRunTogether (llama-swap CanContainAll)', () => {
  const matrix = makeMatrix({ s: '(a | b) & (c | d)', t: 'a | b & e' });
  test.each([
    [['a', 'c'], true],
    [['b', 'd'], true],
    [['a', 'b'], false],
    [['b', 'e'], true],
    [['a', 'e'], false],
    [[], true],
    [['unknown'], false],
  ])('%j → %s', (models, expected) => {
    expect(canRunTogether(matrix, models)).toBe(expected);
  });
});
