import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FAKE_UPSTREAM, fakeCmd } from '../helpers/model-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { createHarness, isProcessGone, killIfAlive, type Harness } from './process-harness.js';

let harness: Harness = createHarness();
const strays: number[] = [];
const tempDir = mkdtempSync(join(tmpdir(), 'swapgate-stop-'));

afterEach(async () => {
  await harness.cleanup();
  strays.splice(0).forEach(killIfAlive);
  harness = createHarness();
});

afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function readPidLine(lines: readonly string[], prefix: string): number {
  const line = lines.find((l) => l.startsWith(prefix)) ?? '';
  return Number(line.slice(prefix.length));
}

describe('ModelProcess stop', () => {
  it('runs cmdStop with ${PID} and waits for the process to exit', async () => {
    const argvFile = join(tempDir, 'cmdstop-argv.json');
    const script =
      'require("fs").writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)));' +
      'process.kill(Number(process.argv[2]), "SIGTERM")';
    const cmdStop = [process.execPath, '-e', script, argvFile, '${PID}', 'port=${PORT}'];
    // A long grace period: what cmdStop leaves in the group must be asked to go right away.
    const rec = harness.create(harness.model('a', { cmd: fakeCmd('--spawn-child'), cmdStop, unloadTimeoutMs: 60_000 }));
    await rec.proc.ensureReady();
    const { pid, port } = rec.proc;
    const childPid = readPidLine(rec.lines, 'CHILD ');
    strays.push(childPid);
    await rec.proc.stop('unload');

    expect(JSON.parse(readFileSync(argvFile, 'utf8'))).toEqual([String(pid), `port=${port}`]);
    expect(isProcessGone(pid ?? -1)).toBe(true);
    expect(isProcessGone(childPid)).toBe(true);
    await rec.waitForLine(/^SIGTERM received$/); // last lines may still be on their way when stop() resolves
  });

  it('falls back to SIGTERM when cmdStop cannot run', async () => {
    const rec = harness.create(harness.model('a', { cmdStop: ['/nonexistent/stop-it', '${PID}'] }));
    await rec.proc.ensureReady();
    const pid = rec.proc.pid ?? -1;
    await rec.proc.stop('unload');
    await rec.waitForLine(/^SIGTERM received$/);
    expect(isProcessGone(pid)).toBe(true);
  });

  it('SIGKILLs a process that ignores SIGTERM after unloadTimeoutMs', async () => {
    const rec = harness.create(harness.model('a', { cmd: fakeCmd('--ignore-sigterm'), unloadTimeoutMs: 300 }));
    await rec.proc.ensureReady();
    const pid = rec.proc.pid ?? -1;
    const startedAt = Date.now();
    await rec.proc.stop('unload');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    await rec.waitForLine(/^SIGTERM ignored$/);
    expect(isProcessGone(pid)).toBe(true);
  });

  it('kills at once on a forced shutdown, even while a graceful stop is waiting', async () => {
    const rec = harness.create(harness.model('a', { cmd: fakeCmd('--ignore-sigterm'), unloadTimeoutMs: 60_000 }));
    await rec.proc.ensureReady();
    const pid = rec.proc.pid ?? -1;
    const stopping = rec.proc.stop('unload');
    await rec.waitForLine(/^SIGTERM ignored$/);
    await rec.proc.shutdown({ force: true });
    await stopping;
    expect(isProcessGone(pid)).toBe(true);
    expect(rec.proc.state).toBe('shutdown');
  });

  it('tree-kills a child that left the group when the leader has to be SIGKILLed', async () => {
    const script =
      "const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { detached: true, stdio: 'ignore' });" +
      "console.log('ESCAPED ' + c.pid); process.on('SIGTERM', () => console.log('SIGTERM ignored')); setInterval(() => {}, 1 << 30)";
    const model = harness.model('a', {
      cmd: [process.execPath, '-e', script],
      checkEndpoint: null,
      usesPort: false,
      proxy: 'http://127.0.0.1:9',
      unloadTimeoutMs: 300,
    });
    const rec = harness.create(model);
    await rec.proc.ensureReady();
    await rec.waitForLine(/^ESCAPED \d+$/);
    const escapedPid = readPidLine(rec.lines, 'ESCAPED ');
    strays.push(escapedPid);
    await rec.proc.stop('unload');
    await rec.waitForLine(/^SIGTERM ignored$/);
    await waitFor(() => isProcessGone(escapedPid), { timeoutMs: 2_000, what: 'the escaped child to be killed' });
  });

  it('leaves no grandchild behind (--spawn-child)', async () => {
    const rec = harness.create(harness.model('a', { cmd: fakeCmd('--spawn-child') }));
    await rec.proc.ensureReady();
    const childPid = readPidLine(rec.lines, 'CHILD ');
    strays.push(childPid);
    expect(isProcessGone(childPid)).toBe(false);
    await rec.proc.stop('unload');
    expect(isProcessGone(childPid)).toBe(true);
  });

  it('leaves nothing behind when cmd is a shell wrapper that backgrounds the server', async () => {
    const server = `"${process.execPath}" "${FAKE_UPSTREAM}" --port \${PORT} & echo "SERVER $!"; wait`;
    const rec = harness.create(harness.model('a', { cmd: ['sh', '-c', server] }));
    await rec.proc.ensureReady();
    const wrapperPid = rec.proc.pid ?? -1;
    const serverPid = readPidLine(rec.lines, 'SERVER ');
    strays.push(serverPid);
    expect(serverPid).not.toBe(wrapperPid);
    expect(isProcessGone(serverPid)).toBe(false);
    await rec.proc.stop('unload');
    expect(isProcessGone(wrapperPid)).toBe(true);
    expect(isProcessGone(serverPid)).toBe(true);
  });

  it('kills what a wrapper left in its group when the wrapper dies unexpectedly', async () => {
    const server = `"${process.execPath}" "${FAKE_UPSTREAM}" --port \${PORT} & echo "SERVER $!"; wait`;
    const rec = harness.create(harness.model('a', { cmd: ['sh', '-c', server] }));
    await rec.proc.ensureReady();
    const serverPid = readPidLine(rec.lines, 'SERVER ');
    strays.push(serverPid);
    process.kill(rec.proc.pid ?? -1, 'SIGKILL');
    await rec.waitForState('stopped');
    await waitFor(() => isProcessGone(serverPid), { what: 'the backgrounded server to be killed' });
  });
});
