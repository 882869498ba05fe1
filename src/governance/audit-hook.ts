// Turns a finished request into its audit record. Inference requests are always recorded; with
// log_all_access also every other route, auth failures and refusals. Records are batched by the
// audit log (a group commit per event-loop turn) before the response's last byte is released;
// a blocked request's record is also synced before its 400 goes out.
// Audit failures are logged and never reach the request.
import type { AuditEntry } from '../audit/audit-record.js';
import type { SharedAuditLog } from '../audit/shared-audit-log.js';
import type { PolicyDecision } from '../shared/policy-decision.js';
import type { FinishedRecord, PipelineHook } from '../proxy/hooks.js';

type Event = NonNullable<AuditEntry['event']>;

const FLUSH = Object.freeze({ flush: true });

export interface AuditHook extends PipelineHook {
  /** An action taken outside any request (config reload). */
  recordAdmin(action: string, target: string | null): void;
}

function classify(record: FinishedRecord, logAllAccess: boolean): Event | null {
  const { status, inference } = record;
  // The health check, the UI's page shell and CORS preflights are nobody's access.
  if (record.route.auth === 'public') return null;
  if (status === 401) return logAllAccess ? 'auth_failure' : null;
  // An admin action by an admitted caller is on record whatever became of it (a failed load too).
  if (record.route.admin !== null && status !== 403 && status !== 429) return 'admin';
  if (!inference && (status === 403 || status === 413 || status === 429)) return logAllAccess ? 'rejected' : null;
  if (inference) return 'request';
  return logAllAccess ? 'request' : null;
}

export function createAuditHook(shared: SharedAuditLog): AuditHook {
  const { log, config } = shared;

  // A response waits for its record's group write: one shared promise per group (an event-loop
  // turn, or flush_interval_ms), which never rejects: a failed write reaches the log's onError,
  // never the request.
  const write = (entry: AuditEntry, flush: boolean): Promise<void> => (flush ? log.commit(entry, FLUSH) : log.commit(entry));

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
      return write(entry, record.flush || policy.some((d) => d.action === 'block'));
    },
    recordAdmin(action, target) {
      void write({ event: 'admin', admin: { action, target } }, false);
    },
  };
}
