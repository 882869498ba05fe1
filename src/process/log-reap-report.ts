// What a boot-time reap did, in the daemon log: what was killed, what could not be, and what
// was left alone because the pid now belongs to another process or to a live daemon.
import type { Logger } from '../shared/logger.js';
import type { OrphanEntry, ReapReport } from './reap-orphans.js';

function summarize(entries: readonly OrphanEntry[]): { count: number; models: string[]; pids: number[] } {
  return { count: entries.length, models: entries.map((e) => e.modelId), pids: entries.map((e) => e.pid) };
}

export function logReapReport(logger: Logger, report: ReapReport): void {
  if (report.reaped.length > 0) {
    logger.info({ ...summarize(report.reaped), processes: report.processes }, 'reaped upstreams orphaned by a dead daemon');
  }
  if (report.survivors.length > 0) logger.warn(summarize(report.survivors), 'orphaned upstreams survived SIGKILL; kept on record');
  for (const { entry, reason } of report.skipped) {
    const fields = { model: entry.modelId, pid: entry.pid, reason };
    if (reason === 'gone' || reason === 'other-boot') logger.debug(fields, 'orphaned upstream already gone; forgetting it');
    else logger.warn(fields, 'recorded upstream pid cannot be proven to be the same process (pid reused?); forgetting it without killing');
  }
  if (report.kept.length > 0) {
    const owners = [...new Set(report.kept.map((e) => e.ownerPid))];
    logger.info({ ...summarize(report.kept), owners }, 'left the upstreams of other live daemons alone');
  }
}
