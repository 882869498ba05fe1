// The error thrown when a config cannot be used: carries every issue, not just the first.
import { SwapgateError } from '../shared/errors.js';
import { formatConfigIssue, type ConfigIssue } from './config-issue.js';

export class ConfigError extends SwapgateError {
  readonly issues: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], warnings: readonly ConfigIssue[] = [], cause?: unknown) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super('config_invalid', `invalid config (${count}):\n${issues.map(formatConfigIssue).join('\n')}`, {
      status: 500,
      type: 'server_error',
      cause,
    });
    this.name = 'ConfigError';
    this.issues = issues;
    this.warnings = warnings;
  }
}

export function isConfigError(value: unknown): value is ConfigError {
  return value instanceof ConfigError;
}
