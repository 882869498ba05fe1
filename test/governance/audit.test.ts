// The audit log of the running daemon, read back from the file: one record per inference
// request with who/what/outcome (key name, never the key; counts, never the prompt), tokens
// from usage, log_all_access for everything else, admin events, and a chain `audit verify`
// accepts, across a reload that keeps the same file.
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditVerify } from '../../src/cli/run-audit-verify.js';
import type { ApiKeyConfig, AuditConfig } from '../../src/config/types.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import { openGovernance } from '../../src/governance/create-governance.js';
import { createLogger } from '../../src/shared/logger.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { chatBody, startGoverned, type GovernedHarness } from './governance-harness.js';

const OPS_KEY = 'sk-ops-secret-4242';
const TEAM_KEY = 'sk-team-secret-4242';
const BURST_KEY = 'sk-burst-secret-4242';
const keys: ApiKeyConfig[] = [
  { key: OPS_KEY, name: 'ops', models: null, requestsPerMinute: null, admin: true },
  { key: TEAM_KEY, name: 'team', models: ['chat'], requestsPerMinute: null, admin: false },
  { key: BURST_KEY, name: 'burst', models: null, requestsPerMinute: 1, admin: false },
];
const PROMPT = 'my secret prompt text';

describe('audit records', () => {
  let h: GovernedHarness;
  beforeAll(async () => {
    h = await startGoverned({
      models: [makeModel('chat'), makeModel('other')],
      config: {
        apiKeys: keys,
        policies: [{ id: 'pii', description: null, models: ['*'], rules: [{ type: 'pii_detection', action: 'redact', appliesTo: ['request'], patterns: ['email'] }] }],
      },
      audit: { logAllAccess: true },
    });
  });
  afterAll(() => h.close());

  const post = (k: string | null, body: string, id: string): Promise<Response> =>
    fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-request-id': id, ...(k === null ? {} : { authorization: `Bearer ${k}` }) },
      body,
    });
  const recordOf = async (id: string): Promise<Record<string, unknown>> => {
    let found: Record<string, unknown> | undefined;
    await expect.poll(async () => (found = (await h.auditRecords()).find((r) => r.request_id === id))).toBeDefined();
    return found as Record<string, unknown>;
  };

  it('one record per inference request with every field, tokens from usage, and no prompt or key', async () => {
    const res = await post(TEAM_KEY, chatBody(`${PROMPT} to a@b.io`), 'audit-1');
    expect(res.status).toBe(200);
    await res.text();
    const record = await recordOf('audit-1');
    expect(Object.keys(record)).toEqual([
      'ts', 'seq', 'event', 'request_id', 'key_name', 'client_ip', 'model', 'route', 'method', 'status', 'duration_ms', 'tokens', 'policy', 'cache', 'outcome', 'prev_hash', 'hash',
    ]);
    expect(record).toMatchObject({
      event: 'request',
      key_name: 'team',
      client_ip: expect.stringMatching(/127\.0\.0\.1/),
      model: 'chat',
      route: '/v1/chat/completions',
      method: 'POST',
      status: 200,
      duration_ms: expect.any(Number),
      tokens: { prompt: 6, completion: 8 },
      policy: [{ policy_id: 'pii', rule_index: 0, rule_type: 'pii_detection', action: 'redact', direction: 'request', matches: 1, by_pattern: { email: 1 } }],
      cache: null,
    });
  });

  it('reads usage from the end of a stream', async () => {
    const res = await post(TEAM_KEY, chatBody('count', { stream: true, stream_options: { include_usage: true } }), 'audit-stream');
    await res.text();
    expect(await recordOf('audit-stream')).toMatchObject({ status: 200, tokens: { prompt: 1, completion: 5 }, policy: [] });
  });

  it('log_all_access: other routes, auth failures, refusals; admin actions as admin events', async () => {
    expect((await post(null, chatBody(PROMPT), 'audit-anon')).status).toBe(401);
    expect((await post('sk-guess-4242', chatBody(PROMPT), 'audit-guess')).status).toBe(401);
    expect((await post(TEAM_KEY, JSON.stringify({ model: 'other', messages: [] }), 'audit-scope')).status).toBe(403);
    expect((await fetch(`${h.url}/v1/models`, { headers: { authorization: `Bearer ${OPS_KEY}`, 'x-request-id': 'audit-list' } })).status).toBe(200);
    const unload = await fetch(`${h.url}/api/models/unload/chat`, { method: 'POST', headers: { authorization: `Bearer ${OPS_KEY}`, 'x-request-id': 'audit-unload' } });
    expect(unload.status).toBe(200);
    // Before the last record waited for, so theirs (if any) would be in the file by then.
    expect((await fetch(`${h.url}/health`, { headers: { 'x-request-id': 'audit-health' } })).status).toBe(200);
    expect((await fetch(`${h.url}/ui/`, { headers: { 'x-request-id': 'audit-shell' } })).status).toBe(200);
    const denied = await fetch(`${h.url}/api/models/unload`, { method: 'POST', headers: { authorization: `Bearer ${TEAM_KEY}`, 'x-request-id': 'audit-denied' } });
    expect(denied.status).toBe(403);
    h.governance.recordAdmin('config_reload', '/etc/swapgate/config.yaml');

    expect(await recordOf('audit-anon')).toMatchObject({ event: 'auth_failure', key_name: null, status: 401 });
    expect(await recordOf('audit-guess')).toMatchObject({ event: 'auth_failure', key_name: null, status: 401 });
    expect(await recordOf('audit-scope')).toMatchObject({ event: 'rejected', key_name: 'team', status: 403 });
    expect(await recordOf('audit-list')).toMatchObject({ event: 'request', key_name: 'ops', route: '/v1/models', status: 200, model: null });
    expect(await recordOf('audit-unload')).toMatchObject({ event: 'admin', key_name: 'ops', admin: { action: 'unload', target: 'chat' } });
    expect(await recordOf('audit-denied')).toMatchObject({ event: 'rejected', key_name: 'team', status: 403 });
    // The public routes (health check, the page shell) are nobody's access: never recorded.
    expect((await h.auditRecords()).filter((r) => r.request_id === 'audit-health' || r.request_id === 'audit-shell')).toEqual([]);
    await expect.poll(async () => (await h.auditRecords()).find((r) => r.event === 'admin' && r.request_id === null)).toMatchObject({
      admin: { action: 'config_reload', target: '/etc/swapgate/config.yaml' },
    });
  });

  it('a response is on record by the time the client has all of it (no waiting): JSON, stream, error, admin, failed admin load', async () => {
    const recorded = async (id: string): Promise<Record<string, unknown> | undefined> => (await h.auditRecords()).find((r) => r.request_id === id);
    const json = await post(TEAM_KEY, chatBody('hi'), 'held-json');
    await json.text();
    expect(await recorded('held-json')).toMatchObject({ event: 'request', status: 200, outcome: 'ok' });
    const stream = await post(TEAM_KEY, chatBody('count', { stream: true }), 'held-stream');
    await stream.text();
    expect(await recorded('held-stream')).toMatchObject({ event: 'request', status: 200, outcome: 'ok' });
    const missing = await post(OPS_KEY, JSON.stringify({ model: 'nope', messages: [] }), 'held-404');
    expect(missing.status).toBe(404);
    await missing.text();
    expect(await recorded('held-404')).toMatchObject({ event: 'request', status: 404, outcome: 'rejected' });
    const ops = { authorization: `Bearer ${OPS_KEY}` };
    const load = await fetch(`${h.url}/api/models/load/chat`, { method: 'POST', headers: { ...ops, 'x-request-id': 'held-load' } });
    await load.text();
    expect(await recorded('held-load')).toMatchObject({ event: 'admin', status: 200, admin: { action: 'load', target: 'chat' } });
    const failed = await fetch(`${h.url}/api/models/load/nope`, { method: 'POST', headers: { ...ops, 'x-request-id': 'held-load-404' } });
    expect(failed.status).toBe(404);
    await failed.text();
    expect(await recorded('held-load-404')).toMatchObject({ event: 'admin', status: 404, outcome: 'rejected', admin: { action: 'load', target: 'nope' } });
  });

  it('/metrics counts the records written (swapgate_audit_records_total)', async () => {
    const metrics = async (): Promise<number> => {
      const text = await (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${OPS_KEY}` } })).text();
      return Number(/^swapgate_audit_records_total (\d+)$/m.exec(text)?.[1]);
    };
    const before = await metrics(); // its own record is written as its answer completes
    expect(before).toBe((await h.auditRecords()).length - 1);
    const res = await post(TEAM_KEY, chatBody('hi'), 'audit-counted');
    await res.text();
    expect(await metrics()).toBe(before + 2);
    expect(await metrics()).toBe((await h.auditRecords()).length - 1);
  });

  it('rate-limited requests are recorded as rejected', async () => {
    const statuses: number[] = [];
    for (const id of ['audit-rl-0', 'audit-rl-1']) {
      const res = await fetch(`${h.url}/v1/models`, { headers: { authorization: `Bearer ${BURST_KEY}`, 'x-request-id': id } });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 429]);
    expect(await recordOf('audit-rl-1')).toMatchObject({ event: 'rejected', status: 429, key_name: 'burst' });
  });

  it('the file never holds a key or a prompt, and the chain verifies', async () => {
    await h.governance.audit?.log.flush();
    const text = await h.auditText();
    for (const secret of [OPS_KEY, TEAM_KEY, BURST_KEY, 'sk-guess-4242', PROMPT, 'a@b.io']) expect(text).not.toContain(secret);
    const result = await verifyAuditChain(h.auditPath ?? '');
    expect(result).toMatchObject({ ok: true });
    // What `swapgate audit verify --path FILE` runs.
    const out: string[] = [];
    const exitCode = await runAuditVerify({ path: h.auditPath, configPath: null }, { env: {}, cwd: tmpdir(), nodePath: process.execPath, write: (t) => void out.push(t) });
    expect(exitCode).toBe(0);
    expect(out.join('')).toMatch(/^audit chain OK: \d+ records/);
  });
});

describe('audit without log_all_access', () => {
  it('records inference requests only', async () => {
    const h = await startGoverned({ models: [makeModel('chat')], config: { apiKeys: keys }, audit: { logAllAccess: false } });
    try {
      await fetch(`${h.url}/v1/models`, { headers: { authorization: `Bearer ${OPS_KEY}` } });
      await fetch(`${h.url}/v1/models`);
      const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${OPS_KEY}`, 'x-request-id': 'only' }, body: chatBody('hi') });
      await res.text();
      await expect.poll(async () => (await h.auditRecords()).length).toBe(1);
      expect((await h.auditRecords())[0]).toMatchObject({ request_id: 'only', event: 'request', key_name: 'ops' });
    } finally {
      await h.close();
    }
  });
});

describe('audit log lifecycle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swapgate-audit-life-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('recovers a torn last line with an audit_recovered warning, shares the file across a reload, closes on release', async () => {
    const audit: AuditConfig = { path: join(dir, 'audit.jsonl'), immutable: true, retentionDays: 0, logAllAccess: false, flushIntervalMs: 10, fsync: false };
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', toStdout: false, destination: { write: (line: string) => void lines.push(line) } });
    const config = makeConfig([makeModel('chat')], { audit });

    const first = await openGovernance(config, { logger });
    first.recordAdmin('config_reload', 'a');
    await first.audit?.log.flush();
    await first.close();
    await appendFile(audit.path, '{"ts":"2024-01-01T00:00:00.000Z","seq":1,"ev');

    const second = await openGovernance(config, { logger });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(expect.objectContaining({ level: 40, code: 'audit_recovered', skipped_lines: 1 }));
    const reloaded = await openGovernance(config, { logger, previous: second });
    expect(reloaded.audit).toBe(second.audit);
    second.recordAdmin('config_reload', 'b');
    reloaded.recordAdmin('config_reload', 'c');
    await second.close(); // the old generation retires; the file stays open for the new one
    reloaded.recordAdmin('config_reload', 'd');
    await reloaded.close();

    const records = (await readFile(audit.path, 'utf8')).split('\n').filter(Boolean);
    expect(records.filter((l) => l.includes('"config_reload"'))).toHaveLength(4);
    expect(await verifyAuditChain(audit.path)).toMatchObject({ ok: true });
  });
});
