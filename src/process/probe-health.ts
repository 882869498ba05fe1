// One readiness probe: a GET that counts only HTTP 200, on a fresh connection each time.
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

/** True on HTTP 200; false on any other status, a refused connection, a timeout or an abort. */
export function probeHealth(url: string, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const probeSignal = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    try {
      const request = get(url, { agent: false, signal: probeSignal }, (response) => {
        resolve(response.statusCode === 200);
        response.resume(); // the body does not matter; drain it so the socket closes
      });
      // Refused, reset or aborted: not healthy (yet). The poller decides whether to try again.
      request.on('error', () => resolve(false));
    } catch {
      resolve(false); // an unusable URL never turns healthy; the start ends at its health timeout
    }
  });
}
