// The matrix block (vars, evict_costs, sets) → MatrixConfig, checked as llama-swap checks it
// (internal/config/matrix.go ValidateMatrix): var names ^[a-zA-Z0-9.-]{1,32}$ naming model ids
// (not aliases); evict_costs keyed by a var or a model id; sets compiled by compile-matrix.ts.
// Every problem is placed at its file:line:col, inside the expression when it has a place there.
import type { KeyPath } from '../config-issue.js';
import { suggestName } from '../did-you-mean.js';
import type { IssueCollector } from '../issue-collector.js';
import type { RawMatrix } from '../raw-config.js';
import { compileMatrix, type MatrixProblem } from './compile-matrix.js';
import type { MatrixConfig } from './matrix-types.js';

const VAR_NAME = /^[a-zA-Z0-9.-]{1,32}$/;

// Vars are often one or two letters: only suggest what differs in at most half the name.
function didYouMean(typed: string, known: Iterable<string>): string {
  const suggestion = suggestName(typed, known, Math.min(2, Math.floor(typed.length / 2)));
  return suggestion === null ? '' : ` (did you mean "${suggestion}"?)`;
}

export interface MatrixModels {
  readonly modelIds: readonly string[];
  /** alias → model id (for hints: the matrix takes model ids only). */
  readonly aliasOwner: ReadonlyMap<string, string>;
}

/** path: where the block is (["matrix"] or ["routing", "router", "settings", "matrix"]). Null on errors. */
export function normalizeMatrix(raw: RawMatrix, path: KeyPath, known: MatrixModels, issues: IssueCollector): MatrixConfig | null {
  const errorsBefore = issues.errors.length;
  const { modelIds, aliasOwner } = known;
  const aliasHint = (name: string): string => {
    const owner = aliasOwner.get(name);
    return owner === undefined ? '' : ` ("${name}" is an alias of "${owner}"; use the model id)`;
  };

  const vars = new Map<string, string>();
  // Vars already reported stand for themselves below, so their uses are not reported again.
  const broken = new Set<string>();
  for (const name of issues.source.orderKeys([...path, 'vars'], Object.keys(raw.vars ?? {}))) {
    const model = raw.vars?.[name] ?? '';
    if (!VAR_NAME.test(name)) {
      const message = `var name ${JSON.stringify(name)} must contain only letters, digits, "-" or "." and be 1-32 characters long`;
      issues.error([...path, 'vars', name], message, 'key');
      broken.add(name);
    } else if (!modelIds.includes(model)) {
      const hint = aliasHint(model) || didYouMean(model, modelIds);
      issues.error([...path, 'vars', name], `var "${name}" references unknown model "${model}"${hint}`);
      broken.add(name);
    } else {
      vars.set(name, model);
    }
  }
  const resolve = (name: string): string | undefined => vars.get(name) ?? (modelIds.includes(name) || broken.has(name) ? name : undefined);
  const names = [...new Set([...vars.keys(), ...modelIds])];

  const evictCosts: Record<string, number> = {};
  const costFrom = new Map<string, string>();
  for (const key of issues.source.orderKeys([...path, 'evict_costs'], Object.keys(raw.evict_costs ?? {}))) {
    const model = resolve(key);
    const where = [...path, 'evict_costs', key];
    if (model === undefined) {
      issues.error(where, `unknown var or model "${key}"${aliasHint(key) || didYouMean(key, names)}`, 'key');
    } else if (costFrom.has(model)) {
      issues.warn(where, `the evict cost of model "${model}" is already set by "${costFrom.get(model) ?? ''}"; this one is ignored`, 'key');
    } else {
      costFrom.set(model, key);
      evictCosts[model] = raw.evict_costs?.[key] ?? 1;
    }
  }

  const setsPath = [...path, 'sets'];
  const setNames = issues.source.orderKeys(setsPath, Object.keys(raw.sets ?? {}));
  const definitions = setNames.map((name) => ({ name, dsl: raw.sets?.[name] ?? '' }));
  const compiled = compileMatrix(definitions, resolve);
  for (const problem of compiled.problems) {
    const dsl = definitions.find((d) => d.name === problem.set)?.dsl ?? '';
    const { kind, name } = problem;
    const hint = name === undefined ? '' : kind === 'unknown_name' ? aliasHint(name) || didYouMean(name, names) : didYouMean(name, setNames);
    reportProblem(problem, hint, setsPath, dsl, issues);
  }
  if (issues.errors.length > errorsBefore) return null;
  return { sets: compiled.sets, evictCosts };
}

// Inside the expression when the problem has a place there: the expression's own offset in the
// file (found as the text up to the fault) plus the fault's index in it.
function reportProblem(problem: MatrixProblem, hint: string, setsPath: KeyPath, dsl: string, issues: IssueCollector): void {
  const message = `${problem.message}${hint}`;
  if (problem.set === null) return issues.error(setsPath, message);
  const path = [...setsPath, problem.set];
  if (problem.at === null) return issues.error(path, message, 'key');
  const upTo = dsl.slice(0, problem.at.index + problem.at.length);
  const start = upTo.trim() === '' ? undefined : issues.source.offsetOf(path, { token: upTo });
  if (start === undefined) return issues.error(path, message);
  issues.errorAtOffset(start + problem.at.index, message, path);
}
