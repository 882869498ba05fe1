// One structured log line per request once its response is really over (streams included):
// id, method, path, model, status, duration, bytes, key name, aborted.
import type { Logger } from '../shared/logger.js';
import type { FinishedRecord, PipelineHook } from '../proxy/hooks.js';

interface RequestLine {
  reqId: string;
  method: string;
  path: string;
  model: string | null;
  status: number;
  duration_ms: number;
  bytes: number;
  key_name?: string;
  aborted?: boolean;
  outcome?: string;
}

export function createRequestLogHook(logger: Logger): PipelineHook {
  return {
    name: 'request-log',
    onFinished(record: FinishedRecord) {
      const { facts, status } = record;
      const level = facts.path === '/health' ? 'debug' : status >= 500 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const line: RequestLine = {
        reqId: facts.id,
        method: facts.method,
        path: facts.path,
        model: record.model,
        status,
        duration_ms: record.durationMs,
        bytes: record.bytes,
      };
      if (record.caller !== null) line.key_name = record.caller.name;
      if (record.aborted) line.aborted = true;
      if (record.outcome !== 'ok' && record.outcome !== 'rejected') line.outcome = record.outcome;
      logger[level](line, 'request');
    },
  };
}
