// Ports handed to upstreams of this daemon. A port stays reserved for a whole run, so a
// model that is slow to bind cannot lose its port to another model starting meanwhile.
import getPort, { portNumbers } from 'get-port';

const SEARCH_SPAN = 1000;
const MIN_SEARCH_PORT = 1024;
const MAX_PORT = 65535;

export class PortReservations {
  private readonly held = new Set<number>();

  reserve(port: number): void {
    this.held.add(port);
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
 * Finds a port that is free right now on 127.0.0.1, searching from startPort upwards and
 * skipping ports reserved by other models, and reserves it. The caller releases it.
 */
export async function allocatePort(startPort: number, reservations: PortReservations): Promise<number> {
  const from = Math.min(Math.max(startPort, MIN_SEARCH_PORT), MAX_PORT);
  const to = Math.min(from + SEARCH_SPAN, MAX_PORT);
  const port = await getPort({ port: portNumbers(from, to), exclude: reservations.ports, host: '127.0.0.1' });
  reservations.reserve(port);
  return port;
}
