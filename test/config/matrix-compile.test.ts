// The DSL parser and compiler against llama-swap's TestDSL_Tokenize and TestProgram_CompileErrors,
// with where each error is (index, length) so the loader can place it.
import { describe, expect, test } from 'vitest';
import { compileMatrix, type MatrixDefinition } from '../../src/config/matrix/compile-matrix.js';
import { parseMatrixDsl } from '../../src/config/matrix/parse-matrix-dsl.js';

const known = new Set(['a', 'b', 'model-name.v2', 'qwen_3']);
const compile = (definitions: MatrixDefinition[]) => compileMatrix(definitions, (name) => (known.has(name) ? name : undefined));

describe('parseMatrixDsl', () => {
  test('identifiers take letters, digits, "_", "-" and "."; & binds tighter than |', () => {
    expect(parseMatrixDsl('(a | +base) & model-name.v2')).toEqual({
      ok: true,
      root: {
        kind: 'and',
        children: [
          { kind: 'or', children: [{ kind: 'name', name: 'a', at: 1 }, { kind: 'ref', name: 'base', at: 5 }] },
          { kind: 'name', name: 'model-name.v2', at: 14 },
        ],
      },
    });
    expect(parseMatrixDsl('a | b & c')).toMatchObject({ ok: true, root: { kind: 'or', children: [{ name: 'a' }, { kind: 'and' }] } });
  });

  test.each([
    ['', 'empty DSL expression', 0, 0],
    ['   ', 'empty DSL expression', 0, 0],
    ['+', 'expected a set name after "+" at position 1', 0, 1],
    ['a @ b', 'unexpected character "@" at position 2', 2, 1],
    ['(a', 'missing closing parenthesis', 0, 1],
    ['a)', 'unexpected token ")" after the expression', 1, 1],
    ['()', 'unexpected token ")"', 1, 1],
    ['a & | b', 'unexpected token "|"', 4, 1],
    ['a |', 'unexpected end of expression', 3, 0],
    ['qwen3:32b', 'unexpected character ":" at position 5', 5, 1],
  ])('%j → %s', (input, message, at, length) => {
    expect(parseMatrixDsl(input)).toEqual({ ok: false, error: { message, at, length } });
  });
});

describe('compileMatrix', () => {
  test.each<[string, MatrixDefinition[], string]>([
    ['no sets', [], 'matrix must define at least one set'],
    ['unknown model', [{ name: 's', dsl: 'a & missing' }], 'unknown var or model "missing"'],
    ['unknown reference', [{ name: 's', dsl: '+missing' }], 'references undefined set "missing"'],
    ['reference cycle', [{ name: 'a', dsl: '+b' }, { name: 'b', dsl: '+a' }], 'circular reference detected involving set "a"'],
    ['self reference', [{ name: 'a', dsl: 'a | +a' }], 'circular reference detected involving set "a"'],
  ])('%s', (_name, definitions, message) => {
    const { sets, problems } = compile(definitions);
    expect(sets).toEqual([]);
    expect(problems.map((p) => p.message)).toEqual([message]);
  });

  test('reports every problem, each with its set and place', () => {
    const { problems } = compile([
      { name: 'one', dsl: 'a & nope | qwen_3' },
      { name: 'two', dsl: 'b & +gone' },
    ]);
    expect(problems).toEqual([
      { kind: 'unknown_name', set: 'one', message: 'unknown var or model "nope"', at: { index: 4, length: 4 }, name: 'nope' },
      { kind: 'undefined_set', set: 'two', message: 'references undefined set "gone"', at: { index: 4, length: 5 }, name: 'gone' },
    ]);
  });

  test('sets come after the sets they reference (depth first, definition order); refs share the referenced root', () => {
    const { sets } = compile([
      { name: 'mega', dsl: '+with & b' },
      { name: 'with', dsl: '+base & a' },
      { name: 'base', dsl: 'a | b' },
      { name: 'alone', dsl: 'qwen_3' },
    ]);
    expect(sets.map((s) => [s.name, [...s.models].sort()])).toEqual([
      ['base', ['a', 'b']],
      ['with', ['a', 'b']],
      ['mega', ['a', 'b']],
      ['alone', ['qwen_3']],
    ]);
    const withRoot = sets[1]?.root;
    expect(withRoot?.kind === 'and' && withRoot.children[0]).toMatchObject({ kind: 'ref', name: 'base', target: sets[0]?.root });
  });
});
