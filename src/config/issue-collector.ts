// Gathers every error and warning of one load, each placed at its line:column.
import { formatKeyPath, type ConfigIssue, type IssueCode, type KeyPath } from './config-issue.js';
import type { Anchor, SourcePositions } from './source-map.js';

export class IssueCollector {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  private readonly seen = new Set<string>();

  constructor(
    /** Named by issues whose position names no file of its own (one-file positions). */
    readonly file: string,
    readonly source: SourcePositions,
  ) {}

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  error(path: KeyPath, message: string, anchor: Anchor = 'auto'): void {
    this.add(this.errors, path, message, anchor);
  }

  warn(path: KeyPath, message: string, anchor: Anchor = 'auto', code?: IssueCode): void {
    this.add(this.warnings, path, message, anchor, code);
  }

  /** For problems found by source offset (YAML syntax errors, ${env.X} inside a scalar). */
  errorAtOffset(offset: number, message: string, path: KeyPath = []): void {
    const { line, column, file = this.file } = this.source.positionAtOffset(offset);
    this.push(this.errors, { file, line, column, path: formatKeyPath(path), message });
  }

  warnAtOffset(offset: number, message: string, path: KeyPath = []): void {
    const { line, column, file = this.file } = this.source.positionAtOffset(offset);
    this.push(this.warnings, { file, line, column, path: formatKeyPath(path), message });
  }

  private add(list: ConfigIssue[], path: KeyPath, message: string, anchor: Anchor, code?: IssueCode): void {
    const { line, column, file = this.file } = this.source.positionOf(path, anchor);
    const issue: ConfigIssue = { file, line, column, path: formatKeyPath(path), message };
    this.push(list, code === undefined ? issue : { ...issue, code });
  }

  private push(list: ConfigIssue[], issue: ConfigIssue): void {
    const id = `${list === this.errors ? 'e' : 'w'}|${issue.file}|${issue.line}|${issue.column}|${issue.path}|${issue.message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    list.push(issue);
  }
}
