// One problem found in a config file, pointing at the exact key, plus its one-line rendering.

export interface ConfigIssue {
  /** The file as the user named it (or the source name given to the loader). */
  readonly file: string;
  /** 1-based; 0 when the problem has no position (e.g. the file could not be read). */
  readonly line: number;
  readonly column: number;
  /** Dotted key path, e.g. "models.llama.ttl" or "apiKeys[1].key"; "" for the whole file. */
  readonly path: string;
  readonly message: string;
  /** Set on the warnings `swapgate validate --strict` fails on. */
  readonly code?: IssueCode;
}

/** unknown_key: no such setting; ignored_key: a llama-swap setting swapgate accepts and ignores. */
export type IssueCode = 'unknown_key' | 'ignored_key';

export type KeyPath = readonly (string | number)[];

/** `config.yaml:12:10 models.llama.ttl: expected a non-negative integer, got "ten"` */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return issue.path === '' ? `${where} ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** A value quoted the way error messages show it: strings in quotes, long ones shortened. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const short = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(short);
  }
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return String(value);
}

/** File order: by line, then column (stable, so same-place issues keep their order). */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}
