// An upstream that dies under the daemon: the request in flight gets a proxy error, the next
// request starts a fresh process and succeeds.
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, stopAllDaemons } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';
import { alivePids, fakeCmd, postChat, randomStartPort, waitForPidsGone, waitForReady } from './e2e-fixtures.js';

afterEach(stopAllDaemons);

describe('upstream killed with SIGKILL', () => {
  it('the in-flight request gets a 502, the next one restarts the model and gets 200', async () => {
    const daemon = await startDaemon({
      configText: [`startPort: ${randomStartPort()}`, 'models:', '  fragile:', `    cmd: ${fakeCmd('fragile')}`, ''].join('\n'),
    });
    const first = await postChat(daemon, 'fragile');
    expect(first.status).toBe(200);
    const { pid, port } = await waitForReady(daemon, 'fragile');
    expect(first.upstreamPid).toBe(pid);

    const inFlight = postChat(daemon, 'fragile', { fake_delay_ms: 30_000 });
    await waitFor(
      async () => ((await (await fetch(`http://127.0.0.1:${port}/fake/stats`)).json()) as { inFlight: number }).inFlight === 1,
      { timeoutMs: 10_000, what: 'the slow request to reach the upstream' },
    );
    process.kill(pid, 'SIGKILL');

    const cut = await inFlight;
    expect(cut.status).toBe(502);
    expect(cut.body).toMatchObject({ error: { message: expect.any(String) } });
    await waitForPidsGone([pid], 10_000, 'the killed upstream');

    const next = await postChat(daemon, 'fragile');
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ choices: [{ message: { content: 'fragile says: hello there' } }] });
    expect(next.upstreamPid).not.toBe(pid);
    const running = await daemon.running();
    expect(running).toEqual([expect.objectContaining({ model: 'fragile', state: 'ready', pid: next.upstreamPid })]);

    expect(await daemon.stop()).toMatchObject({ exitCode: 0 });
    expect(alivePids(daemon.seenPids())).toEqual([]);
  }, 30_000);
});

// BUG (src/process/model-process.ts onExit + src/server/forward.ts): between an upstream's death
// and the moment the daemon's event loop handles its exit (a few ms, longer under load), the
// model is still "ready", so a request is forwarded to the dead port and the client gets
// 502 upstream_unreachable "refused the connection" although nothing was delivered.
// Expected: ECONNREFUSED from a "ready" upstream whose process is gone (or exiting) counts as a
// crash: restart it and send the request there (safe: the upstream never saw it), so "the
// next request after a crash gets 200" holds. Seen here in 5 of 6 rounds and with llama-server.
// Remove `.fails` once fixed.
describe('upstream killed with SIGKILL, request sent right after', () => {
  it.fails('BUG: the first request after the upstream died (before the daemon noticed) gets 200', async () => {
    const daemon = await startDaemon({
      configText: [`startPort: ${randomStartPort()}`, 'models:', '  fragile:', `    cmd: ${fakeCmd('fragile')}`, ''].join('\n'),
    });
    // Several rounds, so the daemon winning the race once cannot make this pass by luck.
    for (let round = 0; round < 10; round++) {
      expect((await postChat(daemon, 'fragile')).status).toBe(200);
      const { pid } = await waitForReady(daemon, 'fragile');
      process.kill(pid, 'SIGKILL');
      await waitForPidsGone([pid], 10_000, 'the killed upstream'); // dead (a zombie) in the kernel
      const next = await postChat(daemon, 'fragile');
      expect({ round, status: next.status, body: next.body }).toMatchObject({ round, status: 200 });
    }
  }, 60_000);
});
