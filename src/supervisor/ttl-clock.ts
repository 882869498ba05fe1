// A model's TTL countdown: it unloads ttlMs after its last request in flight ended. The clock
// runs only while nothing is in flight (a long request is never cut), and it counts from
// entry.idleSince, so re-arming after a reload that changed ttl keeps the time already idle.
import type { Clock } from '../shared/clock.js';
import type { ModelEntry } from './model-entry.js';

/** (Re)starts the entry's countdown; cancels it when ttl is 0, or the model is busy or not ready. */
export function armTtl(entry: ModelEntry, clock: Clock, onExpired: (entry: ModelEntry) => void): void {
  entry.cancelTtl();
  const { ttlMs } = entry.model;
  if (ttlMs <= 0 || entry.inFlight > 0 || entry.process.state !== 'ready') return;
  const delayMs = Math.max(0, entry.idleSince + ttlMs - clock.now());
  entry.ttlTimer = clock.setTimeout(() => {
    entry.ttlTimer = null;
    if (entry.inFlight > 0 || entry.process.state !== 'ready') return;
    onExpired(entry);
  }, delayMs);
}
