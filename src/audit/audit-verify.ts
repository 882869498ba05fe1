// Recomputes an audit chain and reports the first broken record (1-based line). Works on one
// file, or on the dated segments plus the active file in order (segments must link). The
// chain's first prev_hash is accepted as its anchor when it is 64 zeros or, for a chain of
// segments, when a retention record names it as the last hash of a deleted segment. On success
// it reports the final hash (the last record's "hash"), which --expect-head compares, and a torn
// tail: an incomplete last line of the active file after the last record (a write cut short by
// a crash; not a record, so not part of the chain; the writer moves it aside on its next start).
import { readFile } from 'node:fs/promises';
import { GENESIS_HASH, hashText, readRecordLine, type RecordFields } from './audit-record.js';
import { listAuditSegments } from './audit-rotate.js';

export interface TornTail {
  readonly file: string;
  /** Byte offset in the file where the incomplete line begins. */
  readonly offset: number;
  readonly bytes: number;
}

/** The last record of the chain. */
export interface ChainHead {
  readonly hash: string;
  readonly seq: number;
  readonly file: string;
  readonly line: number;
}

export type AuditVerifyResult =
  | {
      readonly ok: true;
      readonly records: number;
      readonly files: readonly string[];
      readonly anchor: string;
      /** null when the chain holds no record. */
      readonly head: ChainHead | null;
      readonly torn: TornTail | null;
      /** Where options.findHash was seen in the chain (null: not seen, or not asked). */
      readonly found: ChainHead | null;
    }
  | { readonly ok: false; readonly file: string; readonly line: number; readonly reason: string; readonly records: number };

type Failure = Extract<AuditVerifyResult, { ok: false }>;

interface ChainState {
  prev: string | null;
  seq: number | null;
  anchor: string | null;
  records: number;
  head: ChainHead | null;
  torn: TornTail | null;
  findHash: string | null;
  found: ChainHead | null;
  /** Unparseable lines waiting for the "recovered" record that accounts for them. */
  skipped: { file: string; line: number; text: string }[];
  explained: Set<string>;
}

const isObject = (v: unknown): v is RecordFields => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkRecovered(record: RecordFields, skipped: ChainState['skipped']): boolean {
  const detail = record.recovered;
  return record.event === 'recovered' && isObject(detail)
    && detail.skipped_lines === skipped.length
    && detail.skipped_sha256 === hashText(skipped.map((s) => s.text).join('\n'));
}

function verifyText(state: ChainState, file: string, bytes: Buffer, isLast: boolean): Failure | null {
  const text = bytes.toString('utf8');
  const fail = (line: number, reason: string): Failure => ({ ok: false, file, line, reason, records: state.records });
  const lines = text.split('\n');
  const complete = text === '' || text.endsWith('\n');
  if (complete) lines.pop();
  for (const [i, line] of lines.entries()) {
    const read = readRecordLine(line);
    if (!read) {
      state.skipped.push({ file, line: i + 1, text: line });
      continue;
    }
    const { record } = read;
    if (!read.hasHash) return fail(i + 1, 'record has no hash (written with audit.immutable off?)');
    if (!read.hashOk) return fail(i + 1, 'hash does not match the record: the line was edited');
    if (state.skipped.length > 0) {
      const first = state.skipped[0];
      if (!first || !checkRecovered(record, state.skipped)) {
        return { ...fail(first?.line ?? i + 1, 'unparseable line that no "recovered" record accounts for'), file: first?.file ?? file };
      }
      state.skipped = [];
    }
    if (typeof record.prev_hash !== 'string') return fail(i + 1, 'record has no prev_hash');
    if (state.prev === null) state.anchor = record.prev_hash;
    else if (record.prev_hash !== state.prev) {
      return fail(i + 1, 'prev_hash does not match the previous record: a record was removed, inserted or reordered');
    }
    if (typeof record.seq !== 'number' || (state.seq !== null && record.seq !== state.seq + 1)) {
      return fail(i + 1, `seq ${String(record.seq)} does not follow ${String(state.seq)}`);
    }
    const retention = record.retention;
    if (record.event === 'retention' && isObject(retention) && typeof retention.last_hash === 'string') {
      state.explained.add(retention.last_hash);
    }
    state.prev = hashText(line);
    state.seq = record.seq;
    state.records += 1;
    state.head = { hash: typeof record.hash === 'string' ? record.hash : '', seq: record.seq, file, line: i + 1 };
    if (state.head.hash === state.findHash) state.found = state.head;
  }
  const last = state.skipped.at(-1);
  if (!complete && last?.file === file && last.line === lines.length) {
    if (!isLast) return fail(lines.length, 'incomplete last line in a rotated segment');
    if (state.skipped.length === 1) {
      const offset = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1));
      state.torn = { file, offset, bytes: bytes.length - offset };
      state.skipped = [];
    }
  }
  return null;
}

function finish(state: ChainState, files: readonly string[]): AuditVerifyResult {
  const first = state.skipped[0];
  if (first) return { ok: false, file: first.file, line: first.line, reason: 'unparseable line that no "recovered" record accounts for', records: state.records };
  return { ok: true, records: state.records, files, anchor: state.anchor ?? GENESIS_HASH, head: state.head, torn: state.torn, found: state.found };
}

export interface VerifyOptions {
  /** A record hash to look for (e.g. an --expect-head that is not the final hash). */
  readonly findHash?: string;
}

const newState = (options: VerifyOptions): ChainState => ({
  prev: null, seq: null, anchor: null, records: 0, head: null, torn: null,
  findHash: options.findHash ?? null, found: null, skipped: [], explained: new Set(),
});

async function readBytes(path: string): Promise<Buffer | Failure> {
  try {
    return await readFile(path);
  } catch (error) {
    return { ok: false, file: path, line: 0, reason: `cannot read: ${error instanceof Error ? error.message : String(error)}`, records: 0 };
  }
}

/** One file; its first prev_hash is accepted as the anchor (64 zeros, or a rotated predecessor). */
export async function verifyAuditFile(path: string, options: VerifyOptions = {}): Promise<AuditVerifyResult> {
  const bytes = await readBytes(path);
  if (!Buffer.isBuffer(bytes)) return bytes;
  const state = newState(options);
  return verifyText(state, path, bytes, true) ?? finish(state, [path]);
}

/** The dated segments (oldest first) and then the active file, as one chain. */
export async function verifyAuditChain(activePath: string, options: VerifyOptions = {}): Promise<AuditVerifyResult> {
  const segments = (await listAuditSegments(activePath)).map((s) => s.path);
  const state = newState(options);
  const files: string[] = [];
  for (const file of [...segments, activePath]) {
    const bytes = await readBytes(file);
    if (!Buffer.isBuffer(bytes)) {
      if (file === activePath && segments.length > 0) continue; // rotated, nothing written since
      return bytes;
    }
    files.push(file);
    const failure = verifyText(state, file, bytes, file === activePath);
    if (failure) return failure;
  }
  const result = finish(state, files);
  if (result.ok && result.anchor !== GENESIS_HASH && !state.explained.has(result.anchor)) {
    return { ok: false, file: files[0] ?? activePath, line: 1, reason: 'the chain starts after records that were removed without a retention record', records: result.records };
  }
  return result;
}

/** The verdict, one line; then (when OK) the final hash and any torn tail, one line each. */
export function formatVerifyResult(result: AuditVerifyResult): string {
  if (!result.ok) {
    return `audit chain BROKEN at ${result.file}:${result.line}: ${result.reason} (${result.records} records verified before it)`;
  }
  const anchor = result.anchor === GENESIS_HASH ? 'genesis' : `${result.anchor.slice(0, 12)}…`;
  const lines = [`audit chain OK: ${result.records} records in ${result.files.length} file(s), anchored at ${anchor}`];
  const { head, torn } = result;
  lines.push(head === null ? 'final hash: none (no records)' : `final hash: ${head.hash} (seq ${head.seq}, ${head.file}:${head.line})`);
  if (torn !== null) {
    lines.push(
      `torn tail: ${torn.file}: ${torn.bytes} bytes from byte offset ${torn.offset} are an incomplete last line (a write cut short by a crash), ` +
        'not a record and not part of the chain; swapgate moves them to <file>.torn-<time> on its next start',
    );
  }
  return lines.join('\n');
}
