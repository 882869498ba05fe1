// The audit line is built as text for speed; it must be exactly what JSON.stringify of the
// record object gives, key order included, for every field shape.
import { describe, expect, it } from 'vitest';
import { formatIsoTime, renderEntry, type AuditEntry } from './audit-record.js';

function expected(entry: AuditEntry, tsMs: number, seq: number): string {
  return JSON.stringify({
    ts: new Date(tsMs).toISOString(),
    seq,
    event: entry.event ?? 'request',
    request_id: entry.requestId ?? null,
    key_name: entry.keyName ?? null,
    client_ip: entry.clientIp ?? null,
    model: entry.model ?? null,
    route: entry.route ?? null,
    method: entry.method ?? null,
    status: entry.status ?? null,
    duration_ms: entry.durationMs ?? null,
    tokens: entry.tokens ?? { prompt: null, completion: null },
    policy: (entry.policy ?? []).map((d) => ({
      policy_id: d.policyId,
      rule_index: d.ruleIndex,
      rule_type: d.ruleType,
      action: d.action,
      direction: d.direction,
      matches: d.matches,
      ...(d.byPattern ? { by_pattern: d.byPattern } : {}),
    })),
    cache: entry.cache ?? null,
    ...(entry.outcome === undefined ? {} : { outcome: entry.outcome }),
    ...(entry.admin ? { admin: { action: entry.admin.action, target: entry.admin.target } } : {}),
  });
}

const full: AuditEntry = {
  event: 'request',
  requestId: 'r"1\\',
  keyName: 'tëam',
  clientIp: '::1',
  model: 'org/m\n',
  route: '/v1/chat/completions',
  method: 'POST',
  status: 200,
  durationMs: 12.345,
  tokens: { prompt: 3, completion: null },
  policy: [
    { policyId: 'p', ruleIndex: 0, ruleType: 'pii_detection', action: 'redact', direction: 'request', matches: 2, byPattern: { email: 1, 'credit_card': 1 } },
    { policyId: 'q', ruleIndex: 1, ruleType: 'prompt_injection', action: 'monitor', direction: 'response', matches: 0 },
  ],
  cache: 'miss',
  outcome: 'upstream_error',
  admin: { action: 'unload', target: null },
};

describe('renderEntry', () => {
  it('writes the same JSON as the record object would serialize to', () => {
    const tsMs = Date.UTC(2026, 11, 5, 9, 7, 3, 4);
    for (const entry of [full, {}, { event: 'admin', admin: { action: 'load', target: 'm' } }, { durationMs: Number.NaN, tokens: null }] as AuditEntry[]) {
      const line = renderEntry(entry, tsMs)(42);
      expect(line).toBe(expected(entry, tsMs, 42));
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
  });

  it('formats times like Date.toISOString at every millisecond width and across seconds', () => {
    const base = Date.UTC(2026, 0, 31, 23, 59, 59, 0);
    for (const tsMs of [base, base + 7, base + 42, base + 999, base + 1000, base + 1001.9, 0, Date.UTC(1969, 11, 31, 23, 59, 59, 500)]) {
      expect(formatIsoTime(tsMs)).toBe(new Date(Math.floor(tsMs)).toISOString());
    }
  });
});
