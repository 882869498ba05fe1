// Aliases are global names: each may point at one model only, and never shadow a model id.
import type { IssueCollector } from './issue-collector.js';
import type { AliasOrigin } from './normalize-model.js';

/** alias → model id, for every alias that passed. */
export function checkAliases(
  origins: readonly AliasOrigin[],
  modelIds: ReadonlySet<string>,
  issues: IssueCollector,
): Map<string, string> {
  const owner = new Map<string, string>();
  for (const { alias, modelId, path } of origins) {
    const previous = owner.get(alias);
    if (modelIds.has(alias)) {
      issues.error(path, `alias "${alias}" is already a model id`);
    } else if (previous !== undefined) {
      issues.error(path, `alias "${alias}" is already used by model "${previous}"`);
    } else {
      owner.set(alias, modelId);
    }
  }
  return owner;
}
