// Policies and API keys name models by id, alias or glob ("*", "llama-*", "qwen?-7b").
export type ModelMatcher = (modelId: string, aliases: readonly string[]) => boolean;

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function compileModelMatcher(patterns: readonly string[]): ModelMatcher {
  if (patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((p) => !isGlob(p)));
  const globs = patterns.filter(isGlob).map(globToRegExp);
  const matchesName = (name: string): boolean => exact.has(name) || globs.some((g) => g.test(name));
  return (modelId, aliases) => matchesName(modelId) || aliases.some(matchesName);
}
