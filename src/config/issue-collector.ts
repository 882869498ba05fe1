// Gathers every error and warning of one load, each placed at its line:column.
import { formatKeyPath, type ConfigIssue, type KeyPath } from './config-issue.js';
import type { Anchor, SourceMap } from './source-map.js';

export class IssueCollector {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly file: string,
    readonly source: SourceMap,
  ) {}

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  error(path: KeyPath, message: string, anchor: Anchor = 'auto'): void {
    this.add(this.errors, path, message, anchor);
  }

  warn(path: KeyPath, message: string, anchor: Anchor = 'auto'): void {
    this.add(this.warnings, path, message, anchor);
  }

  /** For problems found by source offset (YAML syntax errors, ${env.X} inside a scalar). */
  errorAtOffset(offset: number, message: string, path: KeyPath = []): void {
    const { line, column } = this.source.positionAtOffset(offset);
    this.push(this.errors, { file: this.file, line, column, path: formatKeyPath(path), message });
  }

  warnAtOffset(offset: number, message: string, path: KeyPath = []): void {
    const { line, column } = this.source.positionAtOffset(offset);
    this.push(this.warnings, { file: this.file, line, column, path: formatKeyPath(path), message });
  }

  private add(list: ConfigIssue[], path: KeyPath, message: string, anchor: Anchor): void {
    const { line, column } = this.source.positionOf(path, anchor);
    this.push(list, { file: this.file, line, column, path: formatKeyPath(path), message });
  }

  private push(list: ConfigIssue[], issue: ConfigIssue): void {
    const id = `${list === this.errors ? 'e' : 'w'}|${issue.line}|${issue.column}|${issue.path}|${issue.message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    list.push(issue);
  }
}
