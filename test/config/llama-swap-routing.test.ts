// llama-swap's own routing examples load unchanged and decide as their comments say.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { solveMatrix } from '../../src/config/matrix/solve-matrix.js';
import type { Config, MatrixConfig } from '../../src/config/types.js';
import { loadOk } from './config-test-helpers.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), 'utf8');

function matrixOf(config: Config): MatrixConfig {
  if (config.routing.router.use !== 'matrix') throw new Error('expected the matrix router');
  return config.routing.router.matrix;
}

/** [set, evict, cost] for a request with these models running (given in id order, as the supervisor does). */
function decide(matrix: MatrixConfig, target: string, running: string[]): [string | null, readonly string[], number] {
  const decision = solveMatrix(matrix, target, running);
  return [decision.set?.name ?? null, decision.evict, decision.cost];
}

describe('config.example.yaml matrix section (legacy top-level matrix)', () => {
  const { config, warnings } = loadOk(fixture('llama-swap-matrix.yaml'));
  const matrix = matrixOf(config);

  test('loads without warnings; vars resolved, no groups', () => {
    expect(warnings).toEqual([]);
    expect(config.groups).toEqual([]);
    expect(matrix.sets.map((s) => s.name)).toEqual(['standard', 'with_rerank', 'creative', 'full']);
    expect(matrix.evictCosts).toEqual({ 'voxtral-model': 50, 'llama-70B': 30 });
  });

  test.each([
    ['switching LLMs keeps the TTS', 'qwen-model', ['gemma-model', 'voxtral-model'], ['standard', ['gemma-model'], 1]],
    ['the reranker joins an LLM and the TTS', 'reranker-model', ['gemma-model', 'voxtral-model'], ['with_rerank', [], 0]],
    ['image generation drops the TTS and the reranker', 'stable-diffusion', ['gemma-model', 'reranker-model', 'voxtral-model'], ['creative', ['reranker-model', 'voxtral-model'], 51]],
    ['mistral has no reranker set: the cheapest way drops qwen and the reranker', 'mistral-model', ['qwen-model', 'reranker-model', 'voxtral-model'], ['standard', ['qwen-model', 'reranker-model'], 2]],
    ['the 70B runs alone', 'llama-70B', ['voxtral-model'], ['full', ['voxtral-model'], 50]],
  ])('%s', (_name, target, running, expected) => {
    expect(decide(matrix, target, running)).toEqual(expected);
  });
});

describe('the routing guide example (routing.router.use: matrix, fifo priority)', () => {
  const { config, warnings } = loadOk(fixture('llama-swap-routing.yaml'));
  const matrix = matrixOf(config);

  test('loads without warnings; priorities by model id (an alias resolved)', () => {
    expect(warnings).toEqual([]);
    expect(config.routing.fifoPriority).toEqual({ 'interactive-model': 10, 'batch-model': 1 });
    expect(matrix.evictCosts).toEqual({ 'voxtral-model': 3, 'llama-70B': 2 });
  });

  test('decisions', () => {
    expect(decide(matrix, 'qwen-model', ['gemma-model', 'voxtral-model'])).toEqual(['standard', ['gemma-model'], 1]);
    expect(decide(matrix, 'stable-diffusion', ['gemma-model', 'voxtral-model'])).toEqual(['creative', ['voxtral-model'], 3]);
    expect(decide(matrix, 'batch-model', ['llama-70B'])).toEqual([null, ['llama-70B'], 2]);
  });
});
