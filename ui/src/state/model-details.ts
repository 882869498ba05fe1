// What the Models page shows beyond the live state (pid, port, group, TTL, failures with their
// log tail), from GET /ui/api/models. Fetched while a page that shows it is open: when it opens,
// and again after an event that changes it (a state change, a request starting or ending),
// at most every 500 ms. Never on a timer.
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { describeError, getJson } from '../api/http';
import type { UiModelsResponse } from '../api/types';
import { onLiveEvent, onLiveOpen } from './live-store';

export const details = signal<UiModelsResponse | null>(null);
export const detailsError = signal('');
/** The daemon's clock minus this tab's (uptime and TTL count on the daemon's clock). */
export const clockOffsetMs = signal(0);

const MIN_GAP_MS = 500;
const MAX_CLOCK_RTT_MS = 250;
let wanted = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let running = false;
let again = false;
let lastFetchAtMs = 0;

async function refresh(): Promise<void> {
  if (running) {
    again = true;
    return;
  }
  running = true;
  lastFetchAtMs = Date.now();
  try {
    const sentAt = Date.now();
    const body = await getJson<UiModelsResponse>('/ui/api/models');
    const receivedAt = Date.now();
    // Only a quick round trip tells the offset (a stalled tab would skew it by half the stall).
    if (receivedAt - sentAt < MAX_CLOCK_RTT_MS) clockOffsetMs.value = body.nowMs - (sentAt + receivedAt) / 2;
    details.value = body;
    detailsError.value = '';
  } catch (error) {
    detailsError.value = describeError(error);
  } finally {
    running = false;
    if (again) {
      again = false;
      refreshSoon();
    }
  }
}

/** Fetches the details soon (coalescing bursts of events), if a page shows them. */
export function refreshSoon(): void {
  if (wanted === 0 || timer !== null) return;
  const delayMs = Math.max(50, lastFetchAtMs + MIN_GAP_MS - Date.now());
  timer = setTimeout(() => {
    timer = null;
    void refresh();
  }, delayMs);
}

/** A page that shows the details: they are kept fresh while it is mounted. */
export function useModelDetails(): void {
  useEffect(() => {
    wanted += 1;
    refreshSoon();
    return () => {
      wanted -= 1;
    };
  }, []);
}

onLiveOpen(refreshSoon);

/** Requests in flight by id: progress ticks (bytes sent) change nothing shown; a request coming or going does. */
const inflightIds = new Set<string>();
onLiveEvent((event) => {
  if (event.type === 'logData') return;
  if (event.type === 'inflight') {
    const { update } = event;
    if (update.operation === 'upsert') {
      if (inflightIds.has(update.request.id)) return;
      inflightIds.add(update.request.id);
    } else if (update.operation === 'remove') {
      inflightIds.delete(update.id);
    } else {
      inflightIds.clear();
      for (const r of update.requests) inflightIds.add(r.id);
    }
  }
  refreshSoon();
});
