// An upstream that dies under the daemon: the request in flight gets a proxy error (it may be
// what killed the upstream, so it is not sent again), the next request starts a fresh process
// and succeeds; a request the upstream died without reading is sent to a fresh start.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, stopAllDaemons, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';
import { alivePids, fakeCmd, postChat, randomStartPort, waitForPidsGone, waitForReady, type ChatResult } from './e2e-fixtures.js';

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

// An upstream that dies with a request in its socket buffer, unread (SIGSTOP holds it still
// while the request lands; /proc/net/tcp shows the bytes waiting; then SIGKILL), before the
// daemon has noticed the death: the model is still "ready", so the request is forwarded to the
// dead port. The kernel resets a connection closed with unread bytes, and the daemon takes that
// reset (unlike a clean close, which it also sees when an upstream read a request and died of
// it: the 502 above) as proof the request was never read: it restarts the model and sends it
// there. Without SIGSTOP, sending "right after" a SIGKILL races the kernel: the zombie leader's
// last threads may still be closing its sockets, and when the pooled socket's FIN arrives while
// the daemon writes, the daemon sees only the clean close and rightly answers 502.
describe('upstream killed with SIGKILL before it read the request', () => {
  const config = (): string =>
    [`startPort: ${randomStartPort()}`, 'models:', '  fragile:', `    cmd: ${fakeCmd('fragile')}`, ''].join('\n');

  it('a request on a pooled keep-alive socket is served by a fresh start', async () => {
    const daemon = await startDaemon({ configText: config() });
    for (let round = 0; round < 3; round++) {
      expect((await postChat(daemon, 'fragile')).status).toBe(200); // leaves a pooled socket
      const { pid, port } = await waitForReady(daemon, 'fragile');
      const next = await postToDyingUpstream(daemon, pid, port);
      expect({ round, status: next.status, body: next.body }).toMatchObject({
        round,
        status: 200,
        body: { choices: [{ message: { content: 'fragile says: hello there' } }] },
      });
      expect(next.upstreamPid).not.toBe(pid);
    }
    expect(await daemon.stop()).toMatchObject({ exitCode: 0 });
    expect(alivePids(daemon.seenPids())).toEqual([]);
  }, 30_000);

  it('a request on a new connection the dying listener never accepted is served by a fresh start', async () => {
    const daemon = await startDaemon({ configText: config() });
    // Loaded without a proxied request, so the daemon holds no pooled socket to it.
    expect((await daemon.request('/api/models/load/fragile', { method: 'POST' })).status).toBe(200);
    const { pid, port } = await waitForReady(daemon, 'fragile');
    const next = await postToDyingUpstream(daemon, pid, port);
    expect(next).toMatchObject({ status: 200, body: { choices: [{ message: { content: 'fragile says: hello there' } }] } });
    expect(next.upstreamPid).not.toBe(pid);
    expect(await daemon.stop()).toMatchObject({ exitCode: 0 });
  }, 30_000);
});

/** Stops the upstream, sends a chat, waits until it sits unread in the upstream's socket, kills it. */
async function postToDyingUpstream(daemon: Daemon, pid: number, port: number): Promise<ChatResult> {
  process.kill(pid, 'SIGSTOP');
  const pending = postChat(daemon, 'fragile');
  try {
    await waitFor(() => getUnreadBytes(port) > 0, { timeoutMs: 10_000, what: `the request unread in the socket of port ${port}` });
  } catch (error) {
    process.kill(pid, 'SIGKILL');
    await pending.catch(() => null); // the test fails with the wait's error; this one is moot
    throw error;
  }
  process.kill(pid, 'SIGKILL');
  await waitForPidsGone([pid], 10_000, 'the killed upstream');
  return pending;
}

/** Bytes received on local `port` that nobody has read yet (listeners excluded), per /proc/net/tcp. */
function getUnreadBytes(port: number): number {
  let unread = 0;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').trim().split('\n').slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue ...; addresses and queues in hex
    const [, local = '', , state = '', queues = ''] = line.trim().split(/\s+/);
    if (state === '0A' || Number.parseInt(local.split(':')[1] ?? '', 16) !== port) continue; // 0A: LISTEN
    unread += Number.parseInt(queues.split(':')[1] ?? '0', 16);
  }
  return unread;
}
