// `swapgate audit verify [--path FILE] [--config FILE]`: recompute the audit hash chain.
// Exit code 0 when intact, 1 at the first broken record (or when no path is known).
import { resolve } from 'node:path';
import { formatVerifyResult, verifyAuditChain } from '../audit/audit-verify.js';
import { resolveConfigSource } from './resolve-config.js';

export interface AuditVerifyIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly nodePath: string;
  readonly write: (text: string) => void;
}

export async function runAuditVerify(
  command: { readonly path: string | null; readonly configPath: string | null },
  io: AuditVerifyIo,
): Promise<number> {
  let path = command.path === null ? null : resolve(io.cwd, command.path);
  if (path === null) {
    const loaded = await resolveConfigSource(command.configPath, io.cwd, io.env, io.nodePath).load();
    if (loaded.ok && loaded.config.audit !== null) path = loaded.config.audit.path;
  }
  if (path === null) {
    io.write('swapgate audit verify: no audit log given (--path FILE) and none configured (audit.path)\n');
    return 1;
  }
  const result = await verifyAuditChain(path);
  io.write(`${formatVerifyResult(result)}\n`);
  return result.ok ? 0 : 1;
}
