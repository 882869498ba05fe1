import { describe, expect, it } from 'vitest';
import type { GroupConfig } from '../../src/config/types.js';
import { planEviction } from '../../src/supervisor/plan-eviction.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';

function group(id: string, members: string[], flags: Partial<GroupConfig>): GroupConfig {
  return { id, members, swap: true, exclusive: false, persistent: false, implicit: false, ...flags };
}

// a, b: in no group (the implicit group: swap + exclusive).
const config = makeConfig(
  ['a', 'b', 'x', 'y', 's1', 's2', 'e1', 'e2', 'k1', 'k2', 'p1', 'q1', 'q2'].map((id) => makeModel(id)),
  {
    groups: [
      group('duo', ['x', 'y'], { swap: false }), // co-run, leaves others alone
      group('solo', ['s1', 's2'], { swap: true }), // one at a time, leaves others alone
      group('excl', ['e1', 'e2'], { swap: false, exclusive: true }), // co-run, stops other groups
      group('keep', ['k1', 'k2'], { swap: true, persistent: true }), // survives others' exclusivity
      group('pex', ['p1'], { exclusive: true, persistent: true }),
      group('exswap', ['q1', 'q2'], { swap: true, exclusive: true }),
    ],
  },
);

const cases: Array<[name: string, target: string, running: string[], victims: string[]]> = [
  ['nothing running', 'a', [], []],
  ['target already running alone', 'a', ['a'], []],
  ['implicit group swaps its members', 'a', ['b'], ['b']],
  ['implicit group is exclusive: stops other groups', 'a', ['x', 'y', 's1'], ['x', 'y', 's1']],
  ['exclusive spares persistent groups', 'a', ['k1', 'b', 'x'], ['b', 'x']],
  ['exclusive spares a persistent exclusive group', 'a', ['p1'], []],
  ['swap:false members co-run', 'x', ['y'], []],
  ['non-exclusive group leaves other groups alone', 'x', ['a', 's1', 'k1'], []],
  ['swap:true group stops its running sibling only', 's1', ['s2', 'a', 'x'], ['s2']],
  ['exclusive swap:false: siblings stay, other groups stop', 'e1', ['e2', 'a', 'x', 's1', 'k1'], ['a', 'x', 's1']],
  ['persistent group still swaps within itself', 'k1', ['k2', 'a'], ['k2']],
  ['persistent exclusive group stops the non-persistent others', 'p1', ['a', 'k1', 'x'], ['a', 'x']],
  ['exclusive swapping group: sibling and other groups', 'q1', ['q2', 'b', 'y', 'k2', 'p1'], ['b', 'y', 'q2']],
  ['the target itself is never a victim', 'e1', ['e1', 'a'], ['a']],
];

describe('planEviction', () => {
  it.each(cases)('%s: %s with %j running stops %j', (_name, target, running, victims) => {
    expect(planEviction(target, new Set(running), config)).toEqual(victims);
  });

  it('lists victims in declaration order, whatever the running set order', () => {
    expect(planEviction('a', new Set(['y', 'b', 'x']), config)).toEqual(['b', 'x', 'y']);
  });

  it('throws on an unknown target (ids are validated by the caller)', () => {
    expect(() => planEviction('nope', new Set(), config)).toThrow(/unknown model "nope"/);
  });
});
