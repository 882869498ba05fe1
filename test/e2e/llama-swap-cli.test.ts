// The built daemon started the way llama-swap's docs and service files start llama-swap:
// `-config x -config-dir d -listen host:port -watch-config`, `-tls-cert-file`/`-tls-key-file`,
// and asked GET /api/version; `swapgate validate --strict`. Real processes and sockets; waits on
// log records and HTTP answers.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runSwapgate, startDaemon, stopAllDaemons, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';
import { fakeCmd, postChat, randomStartPort } from './e2e-fixtures.js';

const run = promisify(execFile);
afterEach(stopAllDaemons);

let dir = '';
let version = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swapgate-e2e-lscli-'));
  version = (JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const modelsYaml = (...ids: string[]): string => ['models:', ...ids.flatMap((id) => [`  ${id}:`, `    cmd: ${fakeCmd(id)}`])].join('\n') + '\n';

/** config.yaml (startPort, model a) and conf.d/b.yaml (model b) in a fresh directory. */
async function writeSplitConfig(name: string): Promise<{ config: string; confDir: string }> {
  const base = join(dir, name);
  const confDir = join(base, 'conf.d');
  await mkdir(confDir, { recursive: true });
  const config = join(base, 'config.yaml');
  await writeFile(config, `startPort: ${randomStartPort()}\n${modelsYaml('a')}`);
  await writeFile(join(confDir, 'b.yaml'), modelsYaml('b'));
  return { config, confDir };
}

async function listModels(daemon: Daemon): Promise<string[]> {
  const body = (await (await daemon.request('/v1/models')).json()) as { data: Array<{ id: string }> };
  return body.data.map((m) => m.id).sort();
}

function waitForReloaded(daemon: Daemon, what: RegExp): Promise<Record<string, unknown>> {
  return waitFor(() => daemon.records().find((r) => typeof r.msg === 'string' && what.test(r.msg)), { timeoutMs: 10_000, what: `a reload matching ${what}` });
}

describe('llama-swap command lines', () => {
  it('-config plus -config-dir with single-dash flags: models of both serve; SIGHUP re-reads the dir', async () => {
    const { config, confDir } = await writeSplitConfig('sighup');
    const daemon = await startDaemon({ argv: ['-config', config, '-config-dir', confDir, '-listen', '127.0.0.1:0'] });
    expect(await listModels(daemon)).toEqual(['a', 'b']);
    expect((await postChat(daemon, 'b')).status).toBe(200);
    expect(daemon.records().find((r) => r.event === 'daemon.start')).toMatchObject({ config: `${config} + ${confDir}`, models: 2 });

    await writeFile(join(confDir, 'c.yml'), modelsYaml('c'));
    daemon.signal('SIGHUP');
    expect(await waitForReloaded(daemon, /^config reloaded/)).toMatchObject({ trigger: 'SIGHUP', added: ['c'] });
    expect(await listModels(daemon)).toEqual(['a', 'b', 'c']);
  });

  it('-watch-config=true reloads when a file of the dir changes, and keeps the config when a dir file clashes', async () => {
    const { config, confDir } = await writeSplitConfig('watch');
    const daemon = await startDaemon({ argv: [`-config=${config}`, `--config-dir=${confDir}`, '-listen=127.0.0.1:0', '-watch-config=true'] });
    await daemon.waitForLog(/watching the config for changes/);

    await writeFile(join(confDir, '.d.tmp'), modelsYaml('d'));
    await rename(join(confDir, '.d.tmp'), join(confDir, 'd.yaml'));
    expect(await waitForReloaded(daemon, /^config reloaded/)).toMatchObject({ trigger: 'watch', added: ['d'] });
    expect(await listModels(daemon)).toEqual(['a', 'b', 'd']);

    await writeFile(join(confDir, 'e.yaml'), modelsYaml('a'));
    const failed = await waitForReloaded(daemon, /^config reload failed/);
    expect(failed.errors).toEqual([`${join(confDir, 'e.yaml')}:2:3 models.a: duplicate models "a": already defined at ${config}:3:3`]);
    expect(await listModels(daemon)).toEqual(['a', 'b', 'd']);
  });

  it('GET /api/version answers {version, commit, build_date} of the build', async () => {
    const { config } = await writeSplitConfig('version');
    const daemon = await startDaemon({ configPath: config });
    const res = await daemon.request('/api/version');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['build_date', 'commit', 'version']);
    expect(body).toMatchObject({ version, commit: expect.stringMatching(/^([0-9a-f]{40}|unknown)$/) });
    expect(Number.isNaN(Date.parse(String(body.build_date)))).toBe(false);
    const cli = await runSwapgate(['-version']);
    expect(cli.stdout).toBe(`swapgate ${version} (commit ${String(body.commit)}, built ${String(body.build_date)})\n`);
  });
});

describe('TLS', () => {
  let cert = '';
  let key = '';
  beforeAll(async () => {
    cert = join(dir, 'cert.pem');
    key = join(dir, 'key.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
    ]);
  });

  it('serves HTTPS with -tls-cert-file and -tls-key-file; a client trusting the certificate gets /api/version', async () => {
    const { config } = await writeSplitConfig('tls');
    const daemon = await startDaemon({ argv: ['-config', config, '-listen', '127.0.0.1:0', '-tls-cert-file', cert, '-tls-key-file', key] });
    expect(daemon.records().find((r) => r.event === 'daemon.listening')).toMatchObject({ api: `https://127.0.0.1:${daemon.port}/v1` });
    const ca = await readFile(cert);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: daemon.port, path: '/api/version', ca, servername: 'localhost' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ version });
    // Plain HTTP to the TLS port is not served.
    await expect(daemon.request('/api/version')).rejects.toThrow();
  });

  it('one TLS flag alone, or a key that does not fit, stops at start with the reason', async () => {
    const alone = await runSwapgate(['-tls-cert-file', cert, '-listen', '127.0.0.1:0']);
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toMatch(/^swapgate: --tls-cert-file: TLS needs both --tls-cert-file and --tls-key-file\n/);

    const { config } = await writeSplitConfig('tls-bad');
    const swapped = await runSwapgate(['-config', config, '-listen', '127.0.0.1:0', '-tls-cert-file', key, '-tls-key-file', cert], { cwd: dir });
    expect(swapped.exitCode).toBe(1);
    expect(swapped.stderr).toContain(`--tls-cert-file ${key} / --tls-key-file ${cert}: not a usable PEM certificate and key`);
  });
});

describe('swapgate validate --strict', () => {
  it('fails on an unknown or an ignored key, which without --strict are warnings', async () => {
    const { config, confDir } = await writeSplitConfig('strict');
    await writeFile(join(confDir, 'extra.yaml'), 'captureBuffer: 5\nnosuchKey: 1\n');
    const lax = await runSwapgate(['validate', '-config', config, '-config-dir', confDir]);
    expect(lax.exitCode).toBe(0);
    expect(lax.stdout).toBe(`${config} + ${confDir}: valid — 2 models, 0 groups, 0 peers, 0 policies\n`);
    expect(lax.stderr).toBe(
      `warning: ${join(confDir, 'extra.yaml')}:1:1 captureBuffer: "captureBuffer" is a llama-swap setting that swapgate ignores\n` +
        `warning: ${join(confDir, 'extra.yaml')}:2:1 nosuchKey: unknown key "nosuchKey"; ignored\n`,
    );

    const strict = await runSwapgate(['validate', '--strict', '-config', config, '-config-dir', confDir]);
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toBe('');
    expect(strict.stderr.trimEnd().split('\n').at(-1)).toBe(`${config} + ${confDir}: 2 keys unknown or accepted but ignored (--strict)`);

    await rm(join(confDir, 'extra.yaml'));
    const clean = await runSwapgate(['validate', '--strict', '-config', config, '-config-dir', confDir]);
    expect(clean).toEqual({ exitCode: 0, stdout: `${config} + ${confDir}: valid — 2 models, 0 groups, 0 peers, 0 policies\n`, stderr: '' });
  });
});
