// The live state as signals, one per slice, so a log line re-renders the log view and not the
// model list. Fed by the one /api/events connection (connect()) and, on each (re)connect, by the
// activity store's newest rows (the event snapshot does not carry them).
import { batch, signal } from '@preact/signals';
import { EventStream } from '../api/event-stream';
import { describeError, getJson } from '../api/http';
import type { ActivityPage } from '../api/types';
import { decodeFrame, type DaemonEvent } from './event-frames';
import { EMPTY_STATE, MAX_ACTIVITY, mergeActivity, reduceLive, resetForReconnect, type LiveState } from './live-reducer';

let state: LiveState = EMPTY_STATE;

export const models = signal(state.models);
export const inflight = signal(state.inflight);
export const activity = signal(state.activity);
export const logs = signal(state.logs);
export const transitions = signal(state.transitions);
/** Why the activity history could not be read ('' when it was). */
export const activityError = signal('');

type Listener = (event: DaemonEvent) => void;
const listeners = new Set<Listener>();

/** Told of every event after the state took it (e.g. to refresh model details). */
export function onLiveEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let logsFrame = 0;

/** Log lines come in bursts: the views take them at most once per frame. */
function publishLogs(): void {
  if (logsFrame !== 0) return;
  logsFrame = requestAnimationFrame(() => {
    logsFrame = 0;
    logs.value = state.logs;
  });
}

function commit(next: LiveState): void {
  const before = state;
  state = next;
  batch(() => {
    if (next.models !== before.models) models.value = next.models;
    if (next.inflight !== before.inflight) inflight.value = next.inflight;
    if (next.activity !== before.activity) activity.value = next.activity;
    if (next.transitions !== before.transitions) transitions.value = next.transitions;
  });
  if (next.logs !== before.logs) publishLogs();
}

export function dispatch(event: DaemonEvent, atMs = Date.now()): void {
  commit(reduceLive(state, event, atMs));
  for (const listener of listeners) listener(event);
}

async function loadActivity(): Promise<void> {
  try {
    const page = await getJson<ActivityPage>(`/api/metrics/activity?limit=${MAX_ACTIVITY - 1}`);
    activityError.value = '';
    commit({ ...state, activity: mergeActivity(state.activity, page.data) });
  } catch (error) {
    activityError.value = describeError(error);
  }
}

const opened = new Set<() => void>();

/** Told when the stream (re)opens, after its state was reset. */
export function onLiveOpen(listener: () => void): () => void {
  opened.add(listener);
  return () => opened.delete(listener);
}

export const stream = new EventStream({
  path: '/api/events',
  onOpen: () => {
    commit(resetForReconnect(state));
    void loadActivity();
    for (const listener of opened) listener();
  },
  onData: (data) => {
    const event = decodeFrame(data);
    if (event !== null) dispatch(event);
  },
});
