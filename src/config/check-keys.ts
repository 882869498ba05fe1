// Walks the data alongside the schema: unknown keys become warnings (so configs written for a
// newer llama-swap still load), llama-swap keys swapgate ignores are named, and `key:` with no
// value counts as absent, as it does for llama-swap.
import type { KeyPath } from './config-issue.js';
import { didYouMean } from './did-you-mean.js';
import { isRecord } from './is-record.js';
import type { IssueCollector } from './issue-collector.js';
import { resolveSchema, type JsonSchema } from './load-schema.js';

export function checkKeys(data: unknown, root: JsonSchema, issues: IssueCollector): void {
  walk(data, root, root, [], issues);
}

function walk(data: unknown, schema: JsonSchema, root: JsonSchema, path: KeyPath, issues: IssueCollector): void {
  const resolved = resolveSchema(root, schema);
  if (Array.isArray(data)) {
    if (resolved.items !== undefined) data.forEach((item, i) => walk(item, resolved.items ?? {}, root, [...path, i], issues));
    return;
  }
  if (!isRecord(data)) return;
  const properties = resolved.properties;
  const extra = typeof resolved.additionalProperties === 'object' ? resolved.additionalProperties : undefined;
  for (const key of Object.keys(data)) {
    const known = properties?.[key];
    const child = known ?? extra;
    if (properties !== undefined && known === undefined && extra === undefined) {
      const hint = didYouMean(key, Object.keys(properties)) || nestedHint(key, properties, root);
      issues.warn([...path, key], `unknown key "${key}"${hint}; ignored`, 'key', 'unknown_key');
      continue;
    }
    if (known !== undefined && resolveSchema(root, known).deprecated === true) {
      issues.warn([...path, key], `"${key}" is a llama-swap setting that swapgate ignores`, 'key', 'ignored_key');
      continue;
    }
    if (properties !== undefined && known !== undefined && data[key] === null) {
      delete data[key];
      continue;
    }
    if (child !== undefined) walk(data[key], child, root, [...path, key], issues);
  }
}

// `setParams` written one level too high: point at where it belongs.
function nestedHint(key: string, properties: Readonly<Record<string, JsonSchema>>, root: JsonSchema): string {
  for (const [name, child] of Object.entries(properties)) {
    if (resolveSchema(root, child).properties?.[key] !== undefined) return ` (did you mean "${name}.${key}"?)`;
  }
  return '';
}
