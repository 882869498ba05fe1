// What the built daemon prints: on a terminal (a pseudo-terminal from util-linux `script`), one
// coloured human line per event and upstream output as "[model] line"; JSON records when
// stdout is a pipe, or when logFormat says json. The lines of the shutdown itself are checked on
// the pipe: `script` may exit before it read what its child wrote last.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listChildren } from '../helpers/daemon-cleanup.js';
import { DIST_MAIN, startDaemon, stopAllDaemons } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';
import { alivePids, cmdWord, fakeCmd, postChat, randomStartPort } from './e2e-fixtures.js';

const ANSI = /\x1b\[[0-9;]*m/g;
const HUMAN = /^\[\d\d:\d\d:\d\d\.\d{3}\] (DEBUG|INFO|WARN|ERROR): /;

interface TtyDaemon {
  readonly child: ChildProcess;
  /** Everything the terminal showed, as received. */
  raw(): string;
  /** Its lines without colours and carriage returns. */
  lines(): string[];
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM to the daemon (the child of `script`); resolves when `script` exited. */
  stop(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await stopAllDaemons();
});

function configText(extra: string[] = []): string {
  return ['logToStdout: both', `startPort: ${randomStartPort()}`, ...extra, 'models:', '  a:', `    cmd: ${fakeCmd('a')}`, ''].join('\n');
}

async function startOnTty(config: string): Promise<TtyDaemon> {
  const dir = await mkdtemp(join(tmpdir(), 'swapgate-tty-'));
  await writeFile(join(dir, 'config.yaml'), config);
  const argv = [process.execPath, DIST_MAIN, '--config', join(dir, 'config.yaml'), '--listen', '127.0.0.1:0', '--state-dir', join(dir, 'state')];
  const env = { ...process.env };
  delete env.NO_COLOR;
  // `exec`: the daemon is the child of `script`, which gives it the terminal as stdout.
  const child = spawn('script', ['-qfec', `exec ${argv.map(cmdWord).join(' ')}`, '/dev/null'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let raw = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (raw += text));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const lines = (): string[] => raw.replace(ANSI, '').replaceAll('\r', '').split('\n');
  let stopped: Promise<void> | null = null;
  const daemonPid = (): number | undefined => (child.pid === undefined ? undefined : listChildren(child.pid)[0]);
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const pid = daemonPid();
      if (pid !== undefined) process.kill(pid, 'SIGTERM');
      await exited;
    })();
    return stopped;
  };
  cleanups.push(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    child,
    raw: () => raw,
    lines,
    waitForLine: (re, timeoutMs = 15_000) => waitFor(() => lines().find((line) => re.test(line)), { timeoutMs, what: `a terminal line matching ${re}\n${raw}` }),
    stop,
  };
}

async function chat(port: number, model: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('on a terminal', () => {
  it('prints one coloured human line per event, upstream output as "[model] line", and no JSON', async () => {
    const tty = await startOnTty(configText());
    const api = await tty.waitForLine(/ INFO: API http:\/\/127\.0\.0\.1:\d+\/v1  UI http:\/\/127\.0\.0\.1:\d+\/ui\/$/);
    const port = Number(/:(\d+)\/v1/.exec(api)?.[1]);
    expect(await chat(port, 'a')).toBe(200);
    await tty.waitForLine(/ INFO: \[a\] \S+ request method=POST path=\/v1\/chat\/completions status=200 /);
    await tty.stop();

    const lines = tty.lines().filter((line) => line !== '');
    const logLines = lines.filter((line) => HUMAN.test(line));
    expect(logLines.map((line) => line.replace(HUMAN, ''))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^swapgate \S+ · config .*config\.yaml · 1 model$/),
        'a: starting',
        expect.stringMatching(/^a: ready in \d+ ms$/),
      ]),
    );
    // Every line is a log line or the upstream's, and none is a JSON record.
    expect(lines.filter((line) => !HUMAN.test(line) && !line.startsWith('[a] '))).toEqual([]);
    expect(lines.filter((line) => line.includes('{"'))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^\[a\] READY \d+$/));
    expect(tty.raw()).toContain('\x1b[32mINFO');
  }, 40_000);

  it('prints JSON records with logFormat: json', async () => {
    const tty = await startOnTty(configText(['logFormat: json']));
    await tty.waitForLine(/"event":"daemon\.listening"/);
    await tty.stop();
    const records = tty
      .lines()
      .filter((line) => line !== '' && !line.startsWith('[a] '))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ level: 30, event: 'daemon.start', models: 1 });
    expect(records.find((r) => r.event === 'daemon.listening')).toMatchObject({ level: 30, api: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1$/) });
  }, 40_000);
});

describe('on a pipe', () => {
  it('prints JSON records, and warns that 0.0.0.0 is reachable from other hosts', async () => {
    const daemon = await startDaemon({ configText: configText(), listen: '0.0.0.0:0' });
    expect((await postChat(daemon, 'a')).status).toBe(200);
    await waitFor(() => daemon.records().find((r) => r.event === 'model.ready'), { what: 'the ready record' });
    expect(await daemon.stop()).toMatchObject({ exitCode: 0 });
    const lines = daemon.logs().filter((line) => line !== '' && !line.startsWith('[a] '));
    expect(daemon.records()).toHaveLength(lines.length);
    expect(daemon.records()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 30, event: 'daemon.start', msg: expect.stringMatching(/^swapgate \S+ · config /) }),
        expect.objectContaining({ level: 30, event: 'daemon.listening', listen: `0.0.0.0:${daemon.port}`, api: `http://127.0.0.1:${daemon.port}/v1` }),
        expect.objectContaining({ level: 40, event: 'daemon.exposed', msg: expect.stringMatching(/reachable from other hosts/) }),
        expect.objectContaining({ event: 'model.ready', model: 'a', readyMs: expect.any(Number), pid: expect.any(Number) }),
        expect.objectContaining({ event: 'model.unloaded', model: 'a', msg: expect.stringMatching(/^a: unloaded \(shutdown\) in \d+ ms$/) }),
      ]),
    );
    // The last line is out before the process exits (stdout is written asynchronously).
    expect(daemon.records().at(-1)).toMatchObject({ msg: 'shutdown: closed' });
    expect(alivePids(daemon.seenPids())).toEqual([]);
  }, 40_000);
});
