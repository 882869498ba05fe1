// planEviction under the matrix router: the solver's evictions, with the running models in id
// order (as llama-swap's FIFO hands them over), whatever order the running set has.
import { describe, expect, it } from 'vitest';
import { decideMatrixEviction, planEviction } from '../../src/supervisor/plan-eviction.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { matrixRouting } from '../helpers/matrix-routing.js';

const config = makeConfig(['z', 'b', 'm', 'x'].map((id) => makeModel(id)), { routing: matrixRouting({ trio: 'z & b & m', solo: 'x' }) });

describe('planEviction with a matrix', () => {
  it('evicts in id order, whatever the running order', () => {
    expect(planEviction('x', new Set(['z', 'm', 'b']), config)).toEqual(['b', 'm', 'z']);
  });

  it('a running target evicts nobody; members of one set stay together', () => {
    expect(planEviction('z', new Set(['z', 'x']), config)).toEqual([]);
    expect(planEviction('m', new Set(['z', 'b']), config)).toEqual([]);
  });

  it('the whole decision is there for the log; none under the group router', () => {
    expect(decideMatrixEviction('x', new Set(['b']), config)).toMatchObject({ evict: ['b'], targetSet: ['x'], cost: 1, set: { name: 'solo' } });
    expect(decideMatrixEviction('x', new Set(['b']), makeConfig([makeModel('x'), makeModel('b')]))).toBeNull();
  });

  it('throws on an unknown target (ids are validated by the caller)', () => {
    expect(() => planEviction('nope', new Set(), config)).toThrow(/unknown model "nope"/);
  });
});
