// Turns a finished request into its audit record. Inference requests are always recorded; with
// log_all_access also every other route, auth failures and refusals. Records are batched by the
// audit log; a blocked request's record is flushed (and awaited) before its 400 goes out.
// Audit failures are logged and never reach the request.
import type { AuditEntry } from '../audit/audit-record.js';
import type { SharedAuditLog } from '../audit/shared-audit-log.js';
import type { PolicyDecision } from '../shared/policy-decision.js';
import type { Logger } from '../shared/logger.js';
import type { FinishedRecord, PipelineHook } from '../proxy/hooks.js';

type Event = NonNullable<AuditEntry['event']>;

export interface AuditHook extends PipelineHook {
  /** An action taken outside any request (config reload). */
  recordAdmin(action: string, target: string | null): void;
}

function classify(record: FinishedRecord, logAllAccess: boolean): Event | null {
  const { status, inference } = record;
  // The health check, the UI's page shell and CORS preflights are nobody's access.
  if (record.route.auth === 'public') return null;
  if (status === 401) return logAllAccess ? 'auth_failure' : null;
  if (!inference && (status === 403 || status === 413 || status === 429)) return logAllAccess ? 'rejected' : null;
  if (status < 400 && record.route.admin !== null) return 'admin';
  if (inference) return 'request';
  return logAllAccess ? 'request' : null;
}

export function createAuditHook(shared: SharedAuditLog, logger: Logger): AuditHook {
  const { log, config } = shared;

  // Only a flushed record is waited for; a failed batched write reaches the log's onError.
  const write = (entry: AuditEntry, flush: boolean, reqId: string | null): void | Promise<void> => {
    if (!flush) return log.append(entry);
    return log.record(entry, { flush }).catch((error: unknown) => {
      logger.warn({ err: error, reqId, event: entry.event }, 'audit record dropped');
    });
  };

  return {
    name: 'audit',
    onFinished(record) {
      const event = classify(record, config.logAllAccess);
      if (event === null) return;
      const { facts, route } = record;
      let policy: PolicyDecision[] = [];
      let cache: 'hit' | 'miss' | null = null;
      let tokens: AuditEntry['tokens'] = null;
      for (const note of record.notes) {
        if (note.kind === 'policy') policy = policy.concat(note.decisions);
        else if (note.kind === 'cache') cache = note.result;
        else tokens = { prompt: note.prompt, completion: note.completion };
      }
      const entry: AuditEntry = {
        event,
        requestId: facts.id,
        keyName: record.caller?.name ?? null,
        clientIp: facts.clientIp,
        model: record.model,
        route: facts.path,
        method: facts.method,
        status: record.status,
        durationMs: record.durationMs,
        tokens,
        policy,
        cache,
        outcome: record.outcome,
        admin: event === 'admin' && route.admin !== null ? { action: route.admin, target: record.adminTarget } : null,
      };
      // A block is on disk at once, wherever it happened (a stream cut short by its governor too).
      return write(entry, record.flush || policy.some((d) => d.action === 'block'), facts.id);
    },
    recordAdmin(action, target) {
      void write({ event: 'admin', admin: { action, target } }, false, null);
    },
  };
}
