// One audit record = one JSON line. With audit.immutable each line carries prev_hash (SHA-256
// of the previous line, 64 zeros for the first) and hash (SHA-256 of the line as serialized
// without "hash", which is always the last key), so an edited, removed or inserted line breaks
// the chain. Records hold who/what/outcome only: never prompts, answers, keys or matched text.
import { hash } from 'node:crypto';
import type { PolicyDecision } from '../shared/policy-decision.js';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditEventKind = 'request' | 'admin' | 'auth_failure' | 'rejected' | 'retention' | 'recovered';

export interface AuditEntry {
  /** Default "request". */
  readonly event?: 'request' | 'admin' | 'auth_failure' | 'rejected';
  readonly requestId?: string | null;
  /** The key's name from config, never the key. */
  readonly keyName?: string | null;
  readonly clientIp?: string | null;
  readonly model?: string | null;
  readonly route?: string | null;
  readonly method?: string | null;
  readonly status?: number | null;
  readonly durationMs?: number | null;
  readonly tokens?: { readonly prompt: number | null; readonly completion: number | null } | null;
  readonly policy?: readonly PolicyDecision[];
  readonly cache?: 'hit' | 'miss' | null;
  /** How the request ended (ok, rejected, upstream_error, aborted, client_stalled). */
  readonly outcome?: string | null;
  /** For admin events: e.g. { action: "unload", target: "llama-8b" }. */
  readonly admin?: { readonly action: string; readonly target: string | null } | null;
}

export type RecordFields = Record<string, unknown>;

// One-shot hash: no Hash object per call (two hashes per record on the request path).
export function hashText(text: string): string {
  return hash('sha256', text, 'hex');
}

const str = (value: string | null | undefined): string => (value === null || value === undefined ? 'null' : JSON.stringify(value));
const num = (value: number | null | undefined): string => (value === null || value === undefined || !Number.isFinite(value) ? 'null' : String(value));

function renderDecision(d: PolicyDecision): string {
  const byPattern = d.byPattern ? `,"by_pattern":${JSON.stringify(d.byPattern)}` : '';
  return `{"policy_id":${str(d.policyId)},"rule_index":${num(d.ruleIndex)},"rule_type":${str(d.ruleType)},"action":${str(d.action)},"direction":${str(d.direction)},"matches":${num(d.matches)}${byPattern}}`;
}

/** Everything of an entry's record after ts and seq, as JSON text starting with a comma. */
function renderEntryBody(entry: AuditEntry): string {
  const { tokens, policy, admin } = entry;
  const decisions = policy === undefined || policy.length === 0 ? '' : policy.map(renderDecision).join(',');
  const outcomeText = entry.outcome === undefined ? '' : `,"outcome":${str(entry.outcome)}`;
  const adminText = admin ? `,"admin":{"action":${str(admin.action)},"target":${str(admin.target)}}` : '';
  return (
    `,"event":${str(entry.event ?? 'request')},"request_id":${str(entry.requestId)},"key_name":${str(entry.keyName)}` +
    `,"client_ip":${str(entry.clientIp)},"model":${str(entry.model)},"route":${str(entry.route)},"method":${str(entry.method)}` +
    `,"status":${num(entry.status)},"duration_ms":${num(entry.durationMs)}` +
    `,"tokens":{"prompt":${num(tokens?.prompt)},"completion":${num(tokens?.completion)}}` +
    `,"policy":[${decisions}],"cache":${str(entry.cache)}${outcomeText}${adminText}}`
  );
}

let isoSecond = Number.NaN;
let isoPrefix = '';

/** Date.toISOString() of a millisecond time, with the part up to the second made once per second. */
export function formatIsoTime(tsMs: number): string {
  const ms = Math.floor(tsMs);
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const iso = new Date(second * 1000).toISOString();
    // Years beyond 9999 change the width; leave those to Date itself.
    if (iso.length !== 24) return new Date(ms).toISOString();
    isoSecond = second;
    isoPrefix = iso.slice(0, 20);
  }
  const milli = ms - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** Records the log writes about itself (retention, recovery). */
export function getSystemFields(event: 'retention' | 'recovered', tsMs: number, seq: number, detail: RecordFields): RecordFields {
  return { ts: formatIsoTime(tsMs), seq, event, [event]: detail };
}

/**
 * An entry serialized when it is recorded, so the queue holds two strings rather than the
 * request's objects; render(seq) is the record's JSON: ts, seq, then the entry's fields.
 */
export function renderEntry(entry: AuditEntry, tsMs: number): (seq: number) => string {
  const head = `{"ts":"${formatIsoTime(tsMs)}","seq":`;
  const tail = renderEntryBody(entry);
  return (seq) => `${head}${seq}${tail}`;
}

/**
 * Chains a record serialized as a non-empty JSON object without prev_hash or hash: appends
 * prev_hash, then hash (SHA-256 of the line so far, closed), always the last key.
 */
export function sealText(plain: string, prevHash: string): string {
  return appendHash(`${plain.slice(0, -1)},"prev_hash":"${prevHash}"}`);
}

function appendHash(body: string): string {
  return `${body.slice(0, -1)},"hash":"${hashText(body)}"}`;
}

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

export interface ReadLine {
  readonly record: RecordFields;
  readonly hasHash: boolean;
  readonly hashOk: boolean;
}

/** null when the line is not a JSON object (a fragment, or garbage). */
export function readRecordLine(line: string): ReadLine | null {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return null; // a half-written or foreign line; callers decide what that means
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
  const suffix = HASH_SUFFIX.exec(line);
  if (!suffix) return { record: record as RecordFields, hasHash: false, hashOk: false };
  const body = `${line.slice(0, suffix.index)}}`;
  return { record: record as RecordFields, hasHash: true, hashOk: hashText(body) === suffix[1] };
}
