// Small readers shared by the normalizers: commands, URLs, timeouts.
import type { KeyPath } from './config-issue.js';
import type { IssueCollector } from './issue-collector.js';
import { CommandSyntaxError, splitCommand } from './split-command.js';

export const MIN_HEALTH_CHECK_TIMEOUT_SEC = 15;

/** argv, or [] after reporting an unterminated quote or an empty command. */
export function readCommand(text: string, path: KeyPath, issues: IssueCollector): string[] {
  try {
    const argv = splitCommand(text);
    if (argv.length === 0) issues.error(path, 'the command is empty');
    return argv;
  } catch (error) {
    if (!(error instanceof CommandSyntaxError)) throw error;
    issues.error(path, error.message);
    return [];
  }
}

/** llama-swap raises values below 15 s to 15 s; so do we, but say so. */
export function readHealthTimeoutMs(seconds: number, path: KeyPath, issues: IssueCollector): number {
  if (seconds >= MIN_HEALTH_CHECK_TIMEOUT_SEC) return seconds * 1000;
  issues.warn(path, `${seconds} is below the minimum of ${MIN_HEALTH_CHECK_TIMEOUT_SEC} seconds; using ${MIN_HEALTH_CHECK_TIMEOUT_SEC}`);
  return MIN_HEALTH_CHECK_TIMEOUT_SEC * 1000;
}

/** Reports (at path) unless `probe` parses as an http(s) URL; `shown` is what the user wrote. */
export function readHttpUrl(probe: string, shown: string, path: KeyPath, issues: IssueCollector): boolean {
  try {
    const url = new URL(probe);
    if (url.protocol === 'http:' || url.protocol === 'https:') return true;
  } catch {
    // not a URL at all: reported below, same as a non-http one
  }
  issues.error(path, `expected an http:// or https:// URL, got ${JSON.stringify(shown)}`);
  return false;
}
