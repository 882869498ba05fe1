// `swapgate audit verify` as the CLI runs it: the record count and the final hash on success, a
// torn tail reported with its byte offset, and --expect-head failing (exit 1) when whole
// records were cut off the end of the chain, which no hash inside the file can show.
import { appendFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/audit-log.js';
import { parseCommand } from '../../src/cli/parse-args.js';
import { runAuditVerify } from '../../src/cli/run-audit-verify.js';
import { createFakeClock, entry, makeTempAudit, type TempAudit } from './audit-fixtures.js';

let t: TempAudit;
beforeEach(async () => {
  t = await makeTempAudit();
});
afterEach(() => t.remove());

async function writeRecords(count: number): Promise<void> {
  const { log } = await openAuditLog({ config: t.config(), clock: createFakeClock('2026-11-20T10:00:00Z') });
  for (let i = 1; i <= count; i++) log.append(entry(i));
  await log.close();
}

async function verify(argv: readonly string[]): Promise<{ exitCode: number; lines: string[] }> {
  const command = parseCommand(['audit', 'verify', '--path', t.path, ...argv]);
  if (command.kind !== 'audit-verify') throw new Error(`not an audit verify command: ${JSON.stringify(command)}`);
  const out: string[] = [];
  const exitCode = await runAuditVerify(command, { env: {}, cwd: tmpdir(), nodePath: process.execPath, write: (text) => void out.push(text) });
  return { exitCode, lines: out.join('').trimEnd().split('\n') };
}

const hashOf = (line: string | undefined): string => (JSON.parse(line ?? '{}') as { hash: string }).hash;

describe('swapgate audit verify', () => {
  it('prints the record count and the final hash (the last record\'s hash) and exits 0', async () => {
    await writeRecords(5);
    const head = hashOf((await t.lines())[4]);
    expect(await verify([])).toEqual({
      exitCode: 0,
      lines: ['audit chain OK: 5 records in 1 file(s), anchored at genesis', `final hash: ${head} (seq 5, ${t.path}:5)`],
    });
  });

  it('reports a torn tail with its file and byte offset and still exits 0', async () => {
    await writeRecords(2);
    const offset = (await stat(t.path)).size;
    await appendFile(t.path, '{"ts":"2026-11-20T10:00:00.000Z","seq":3,"ev');
    const { exitCode, lines } = await verify([]);
    expect(exitCode).toBe(0);
    expect(lines[0]).toBe('audit chain OK: 2 records in 1 file(s), anchored at genesis');
    expect(lines[2]).toMatch(new RegExp(`^torn tail: ${t.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 44 bytes from byte offset ${offset} `));
  });

  it('--expect-head passes on the final hash (any case) and fails with exit 1 when records were cut off the end', async () => {
    await writeRecords(5);
    const lines = await t.lines();
    const head = hashOf(lines[4]);
    expect(await verify(['--expect-head', head.toUpperCase()])).toMatchObject({ exitCode: 0, lines: [expect.any(String), expect.any(String), 'final hash matches --expect-head'] });

    // Whole records removed from the end: every remaining hash still checks out.
    await writeFile(t.path, `${lines.slice(0, 3).join('\n')}\n`);
    expect((await verify([])).exitCode).toBe(0);
    const cut = await verify(['--expect-head', head]);
    expect(cut.exitCode).toBe(1);
    expect(cut.lines.at(-1)).toBe(
      `HEAD MISMATCH: the final hash is ${hashOf(lines[2])} (seq 3); ${head} is not in the chain: records were cut off its end, or the chain was rewritten`,
    );
  });

  it('--expect-head names where an older head sits when the chain grew past it', async () => {
    await writeRecords(2);
    const old = hashOf((await t.lines())[1]);
    await writeRecords(3);
    const grown = await verify(['--expect-head', old]);
    expect(grown.exitCode).toBe(1);
    expect(grown.lines.at(-1)).toMatch(new RegExp(`^HEAD MISMATCH: the final hash is [0-9a-f]{64} \\(seq 5\\); ${old} is seq 2 \\(.*:2\\), 3 record\\(s\\) before the end$`));
  });

  it('--expect-head on an empty log fails; a malformed hash or one outside audit verify is a usage error', async () => {
    await mkdir(dirname(t.path), { recursive: true });
    await writeFile(t.path, '');
    const empty = await verify(['--expect-head', 'a'.repeat(64)]);
    expect(empty).toMatchObject({ exitCode: 1, lines: [expect.stringMatching(/^audit chain OK: 0 records/), 'final hash: none (no records)', expect.stringMatching(/^HEAD MISMATCH: the chain holds no record; /)] });
    expect(parseCommand(['audit', 'verify', '--expect-head', 'abc'])).toEqual({ kind: 'error', message: '--expect-head: expected a SHA-256 hash (64 hex digits), got "abc"' });
    expect(parseCommand(['--expect-head', 'a'.repeat(64)])).toEqual({ kind: 'error', message: '--expect-head: only for "swapgate audit verify"' });
  });
});
