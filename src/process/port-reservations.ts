// Ports handed to upstreams of this daemon. A port stays reserved for a whole run, so a
// model that is slow to bind cannot lose its port to another model starting meanwhile.
import getPort from 'get-port';

/** How far above startPort a free port is searched for. */
export const PORT_SEARCH_SPAN = 1000;
const MIN_SEARCH_PORT = 1024;
const MAX_PORT = 65535;

export class PortReservations {
  private readonly held = new Set<number>();
  private lastReserved: number | null = null;

  reserve(port: number): void {
    this.held.add(port);
    this.lastReserved = port;
  }

  /** The port reserved most recently (the next search starts after it). */
  get last(): number | null {
    return this.lastReserved;
  }

  release(port: number): void {
    this.held.delete(port);
  }

  has(port: number): boolean {
    return this.held.has(port);
  }

  get ports(): ReadonlySet<number> {
    return this.held;
  }
}

/** Shared by every model process of this daemon unless a test injects its own. */
export const daemonPortReservations = new PortReservations();

/**
 * Finds a port that is free right now on 127.0.0.1 in [startPort, startPort + 1000], skipping
 * ports reserved by other models, and reserves it. The caller releases it.
 */
export async function allocatePort(startPort: number, reservations: PortReservations): Promise<number> {
  const from = Math.min(Math.max(startPort, MIN_SEARCH_PORT), MAX_PORT);
  const to = Math.min(from + PORT_SEARCH_SPAN, MAX_PORT);
  const port = await getPort({ port: rotate(from, to, reservations.last), exclude: reservations.ports, host: '127.0.0.1' });
  reservations.reserve(port);
  return port;
}

// Round robin from the port after the last one: a port just freed by a swap is not handed out
// again at once (a server without SO_REUSEADDR could not bind it while connections to the old
// one sit in TIME_WAIT), and get-port, which refuses every port it returned in the last 15–30 s,
// finds a free one at the first try instead of walking past every recent one.
function* rotate(from: number, to: number, last: number | null): Generator<number> {
  const first = last === null || last < from || last >= to ? from : last + 1;
  for (let port = first; port <= to; port++) yield port;
  for (let port = from; port < first; port++) yield port;
}
