// An upstream port inside the OS's ephemeral range can be taken at any moment as the local end
// of an outgoing connection (any process's), and the upstream then fails to bind it
// (EADDRINUSE, a 502 for the request that started it). Said once at start-up.
import { readFileSync } from 'node:fs';
import { PORT_SEARCH_SPAN } from './port-reservations.js';

const LINUX_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/** [low, high] from the range file's text ("32768\t60999"), or null when it is not that. */
export function parsePortRange(text: string): readonly [number, number] | null {
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (match === null) return null;
  const low = Number(match[1]);
  const high = Number(match[2]);
  return low <= high ? [low, high] : null;
}

/** The OS's ephemeral port range, or null where it cannot be read (not Linux). */
export function readEphemeralPortRange(): readonly [number, number] | null {
  try {
    return parsePortRange(readFileSync(LINUX_RANGE_FILE, 'utf8'));
  } catch {
    return null; // no such file: nothing to warn about
  }
}

/** A warning when the ports swapgate searches from startPort overlap the ephemeral range. */
export function describeEphemeralOverlap(startPort: number, range: readonly [number, number] | null): string | null {
  if (range === null) return null;
  const [low, high] = range;
  const last = startPort + PORT_SEARCH_SPAN;
  if (last < low || startPort > high) return null;
  return (
    `startPort ${startPort}: upstream ports ${startPort}–${last} overlap the OS's ephemeral port range ${low}–${high}, ` +
    `where outgoing connections take local ports, so an upstream can fail to bind its port (EADDRINUSE); ` +
    `a startPort of ${Math.max(1024, low - PORT_SEARCH_SPAN - 1)} or lower avoids it`
  );
}
