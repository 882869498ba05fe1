// Validates plain data against config-schema.json, reports every violation at its position,
// and removes the bad values so the semantic checks can still run on the rest.
// The validator is ajv's code generated at build time (scripts/generate-config-validator.mjs):
// ajv itself is never loaded by the daemon.
import type { ErrorObject } from 'ajv';
import type { KeyPath } from './config-issue.js';
import { describeSchemaError } from './describe-schema-error.js';
import { isRecord } from './is-record.js';
import type { IssueCollector } from './issue-collector.js';
import { validateConfigSchema } from './validate-config-schema.generated.js';

/** Returns the data with invalid values removed (or emptied). */
export function validateAgainstSchema(data: unknown, issues: IssueCollector): unknown {
  let errors = runValidator(data);
  // yaml.v3 reads `name: 2024` into a Go string; accept scalars where text is expected.
  if (errors.filter((error) => coerceToString(data, error)).length > 0) errors = runValidator(data);
  const located = errors.map((error) => ({ error, path: toKeyPath(data, error.instancePath) }));
  let result = data;
  for (const { error, path } of located) {
    const message = describeSchemaError(error);
    if (message === null) continue;
    issues.error(path, message);
    if (error.keyword !== 'required') result = prune(result, path, expectsMap(error));
  }
  return result;
}

function runValidator(data: unknown): ErrorObject[] {
  return validateConfigSchema(data) ? [] : [...(validateConfigSchema.errors ?? [])];
}

function coerceToString(data: unknown, error: ErrorObject): boolean {
  if (error.keyword !== 'type' || !String(error.params.type).split(',').includes('string')) return false;
  if (typeof error.data !== 'number' && typeof error.data !== 'boolean') return false;
  const path = toKeyPath(data, error.instancePath);
  const parent = getAt(data, path.slice(0, -1));
  const last = path.at(-1);
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = String(error.data);
  else if (isRecord(parent) && last !== undefined) parent[String(last)] = String(error.data);
  else return false;
  return true;
}

function expectsMap(error: ErrorObject): boolean {
  return error.keyword === 'type' && String(error.params.type).split(',').includes('object');
}

// A bad map becomes {} (its id stays known); a bad list item drops the whole list.
function prune(data: unknown, path: KeyPath, keepAsMap: boolean): unknown {
  if (path.length === 0) return {};
  const parent = getAt(data, path.slice(0, -1));
  const last = path.at(-1);
  if (Array.isArray(parent)) return prune(data, path.slice(0, -1), false);
  if (isRecord(parent) && last !== undefined) {
    if (keepAsMap) parent[String(last)] = {};
    else delete parent[String(last)];
  }
  return data;
}

export function getAt(data: unknown, path: KeyPath): unknown {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current)) current = current[String(segment)];
    else return undefined;
  }
  return current;
}

/** JSON pointer → key path, with numbers where the data holds a list. */
function toKeyPath(data: unknown, pointer: string): KeyPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let current = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      path.push(Number(segment));
      current = current[Number(segment)];
    } else {
      path.push(segment);
      current = isRecord(current) ? current[segment] : undefined;
    }
  }
  return path;
}
