// Names that point at models from elsewhere in the config: preload ids, key and policy scopes.
import type { KeyPath } from './config-issue.js';
import { didYouMean } from './did-you-mean.js';
import type { IssueCollector } from './issue-collector.js';

/** hooks.on_startup.preload: ids or aliases → unique model ids; unknown names are errors. */
export function resolvePreload(
  names: readonly string[],
  modelIds: readonly string[],
  aliasOwner: ReadonlyMap<string, string>,
  issues: IssueCollector,
): string[] {
  const preload: string[] = [];
  names.forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') return;
    const id = modelIds.includes(name) ? name : aliasOwner.get(name);
    if (id === undefined) {
      const hint = didYouMean(name, [...modelIds, ...aliasOwner.keys()]);
      issues.error(['hooks', 'on_startup', 'preload', i], `unknown model "${name}"${hint}`);
    } else if (!preload.includes(id)) {
      preload.push(id);
    }
  });
  return preload;
}

const GLOB = /[*?[]/;

/** Scopes (apiKeys[].models, policies[].models) may name ids, aliases, peer models or globs. */
export function warnUnknownModelRefs(names: readonly string[], path: KeyPath, known: ReadonlySet<string>, issues: IssueCollector): void {
  names.forEach((name, i) => {
    if (GLOB.test(name) || known.has(name)) return;
    issues.warn([...path, i], `"${name}" matches no model, alias or peer model${didYouMean(name, known)}`);
  });
}
