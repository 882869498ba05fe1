// `swapgate audit verify [--path FILE] [--config FILE] [--config-dir DIR] [--expect-head HASH]`:
// recompute the audit hash chain and print the record count and the final hash. Exit code 0 when intact (a torn
// tail is reported, not a failure: it is no record), 1 at the first broken record, when
// --expect-head differs from the final hash, or when no path is known.
import { resolve } from 'node:path';
import { formatVerifyResult, verifyAuditChain, type AuditVerifyResult } from '../audit/audit-verify.js';
import { resolveConfigSource } from './resolve-config.js';

export interface AuditVerifyIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly nodePath: string;
  readonly write: (text: string) => void;
}

export interface AuditVerifyCommand {
  readonly path: string | null;
  readonly configPath: string | null;
  readonly configDir?: string | null;
  /** Lower-case hex; null: no expectation. */
  readonly expectHead?: string | null;
}

/** null when the expectation holds; else why not. */
function checkExpectedHead(result: Extract<AuditVerifyResult, { ok: true }>, expected: string): string | null {
  const { head, found } = result;
  if (head !== null && head.hash === expected) return null;
  const actual = head === null ? 'the chain holds no record' : `the final hash is ${head.hash} (seq ${head.seq})`;
  if (found !== null && head !== null) {
    return `HEAD MISMATCH: ${actual}; ${expected} is seq ${found.seq} (${found.file}:${found.line}), ${head.seq - found.seq} record(s) before the end`;
  }
  return `HEAD MISMATCH: ${actual}; ${expected} is not in the chain: records were cut off its end, or the chain was rewritten`;
}

export async function runAuditVerify(command: AuditVerifyCommand, io: AuditVerifyIo): Promise<number> {
  let path = command.path === null ? null : resolve(io.cwd, command.path);
  if (path === null) {
    const choice = { configPath: command.configPath, configDir: command.configDir ?? null };
    const loaded = await resolveConfigSource(choice, io.cwd, io.env, io.nodePath).load();
    if (loaded.ok && loaded.config.audit !== null) path = loaded.config.audit.path;
  }
  if (path === null) {
    io.write('swapgate audit verify: no audit log given (--path FILE) and none configured (audit.path)\n');
    return 1;
  }
  const expected = command.expectHead ?? null;
  const result = await verifyAuditChain(path, expected === null ? {} : { findHash: expected });
  io.write(`${formatVerifyResult(result)}\n`);
  if (!result.ok) return 1;
  if (expected === null) return 0;
  const mismatch = checkExpectedHead(result, expected);
  io.write(`${mismatch ?? 'final hash matches --expect-head'}\n`);
  return mismatch === null ? 0 : 1;
}
