// Signals to the daemon as an operator sends them: SIGTERM stops every upstream (and their
// children) before exit 0; a second signal during a slow request cuts the grace short.
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, stopAllDaemons } from '../helpers/daemon.js';
import { alivePids, fakeCmd, postChat, randomStartPort, waitForReady } from './e2e-fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

afterEach(stopAllDaemons);

function twoModelConfig(): string {
  return [
    'logToStdout: both', // upstream lines too: the fake reports its child as "CHILD <pid>"
    `startPort: ${randomStartPort()}`,
    'models:',
    '  plain:',
    `    cmd: ${fakeCmd('plain')}`,
    '  parent:',
    `    cmd: ${fakeCmd('parent', '--spawn-child')}`,
    'groups:',
    '  both:',
    '    swap: false',
    '    members: [plain, parent]',
    '',
  ].join('\n');
}

describe('daemon shutdown', () => {
  it('SIGTERM stops every upstream, grandchildren included, and exits 0', async () => {
    const daemon = await startDaemon({ configText: twoModelConfig() });

    for (const model of ['plain', 'parent']) {
      const chat = await postChat(daemon, model);
      expect(chat.status).toBe(200);
      expect(chat.body).toMatchObject({ choices: [{ message: { content: `${model} says: hello there` } }] });
    }
    const running = await daemon.running();
    expect(running.map((r) => [r.model, r.state]).sort()).toEqual([
      ['parent', 'ready'],
      ['plain', 'ready'],
    ]);
    const childLine = await daemon.waitForLog(/^\[parent\] CHILD \d+$/);
    const grandchild = Number(childLine.split(' ').at(-1));
    daemon.trackPid(grandchild);
    const pids = [...daemon.seenPids()];
    expect(pids).toHaveLength(3);
    expect(alivePids(pids)).toEqual(pids);

    const exit = await daemon.stop('SIGTERM');
    expect(exit).toMatchObject({ exitCode: 0, signal: null });
    expect(alivePids(pids)).toEqual([]);
    console.info(`SIGTERM with 2 idle upstreams: daemon exited after ${exit.durationMs} ms`);
  }, 30_000);

  it('open live log streams end at SIGTERM instead of holding the exit for the 30 s grace', async () => {
    const daemon = await startDaemon({
      configText: [`startPort: ${randomStartPort()}`, 'models:', '  plain:', `    cmd: ${fakeCmd('plain')}`, ''].join('\n'),
    });
    expect((await postChat(daemon, 'plain')).status).toBe(200);
    // Live lines only: what they show was written after SIGTERM.
    const streams = await Promise.all(['/logs/stream?no-history', '/logs/stream/plain?no-history'].map((path) => daemon.request(path)));
    const readers = streams.map((res) => {
      expect(res.status).toBe(200);
      return (res.body as ReadableStream<Uint8Array>).getReader();
    });
    const readToEnd = async (reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> => {
      const decoder = new TextDecoder();
      let text = '';
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
      return text;
    };
    const ended = readers.map(readToEnd);
    const exit = await daemon.stop('SIGTERM', 15_000);
    expect(exit).toMatchObject({ exitCode: 0, signal: null });
    const [all, model] = await Promise.all(ended);
    // Each stream showed the shutdown before it ended: the proxy's line, the model's stop.
    expect(all).toContain('shutting down');
    expect(all).toContain('[plain] SIGTERM received');
    expect(model).toContain('SIGTERM received');
  }, 25_000);

  it('a second SIGTERM during a slow in-flight request forces a fast exit', async () => {
    const daemon = await startDaemon({
      configText: [`startPort: ${randomStartPort()}`, 'models:', '  slow:', `    cmd: ${fakeCmd('slow')}`, ''].join('\n'),
    });
    expect((await postChat(daemon, 'slow')).status).toBe(200);
    const { pid, port } = await waitForReady(daemon, 'slow');

    // 60 s: longer than the daemon's 30 s shutdown grace, so only the second signal can end it fast.
    const inFlight = postChat(daemon, 'slow', { fake_delay_ms: 60_000 }).then(
      (result) => ({ ok: true as const, status: result.status }),
      (error: unknown) => ({ ok: false as const, error: String(error) }),
    );
    await waitFor(
      async () => {
        const stats = (await (await fetch(`http://127.0.0.1:${port}/fake/stats`)).json()) as { inFlight: number };
        return stats.inFlight === 1;
      },
      { timeoutMs: 10_000, what: 'the slow request to reach the upstream' },
    );

    daemon.signal('SIGTERM');
    await daemon.waitForLog(/"msg":"shutting down"/);
    await daemon.waitForLog(/"from":"open","to":"draining"/);
    // Draining: the daemon waits for the request instead of exiting.
    expect(daemon.isRunning()).toBe(true);
    expect(alivePids([pid])).toEqual([pid]);

    // Far below the 30 s grace: stop() rejects if the daemon is still up by then.
    const exit = await daemon.stop('SIGTERM', 10_000);
    expect(exit).toMatchObject({ exitCode: 0, signal: null });
    await daemon.waitForLog(/second signal/);
    expect(alivePids([pid])).toEqual([]);
    // The cut request does not hang: it ends with an error response or a closed connection.
    const outcome = await inFlight;
    if (outcome.ok) expect(outcome.status).toBeGreaterThanOrEqual(500);
    console.info(`second SIGTERM: daemon exited after ${exit.durationMs} ms; in-flight request saw ${JSON.stringify(outcome)}`);
  }, 30_000);
});
