// What the /api/events stream tells, folded into one immutable state: the models, requests in
// flight, finished requests (newest first), log lines per source and the models' state changes
// seen since the tab opened. Pure: the store (live-store.ts) feeds it and the tests drive it.
import type { ActivityEntry, ApiModel, InflightEntry, InflightUpdate, LogSource } from '../api/types';
import type { DaemonEvent } from './event-frames';

export const MAX_ACTIVITY = 1000;
export const MAX_LOG_LINES = 2000;
export const MAX_TRANSITIONS = 1000;

export interface LogLine {
  /** Unique and increasing: the key of the line's row. */
  readonly seq: number;
  readonly text: string;
}

export interface ModelTransition {
  readonly atMs: number;
  readonly model: string;
  readonly from: string;
  readonly to: string;
}

export interface LiveState {
  readonly models: readonly ApiModel[];
  /** Oldest first. */
  readonly inflight: readonly InflightEntry[];
  /** Newest first (highest id first). */
  readonly activity: readonly ActivityEntry[];
  readonly logs: Readonly<Record<LogSource, readonly LogLine[]>>;
  readonly transitions: readonly ModelTransition[];
  readonly nextSeq: number;
}

export const EMPTY_STATE: LiveState = {
  models: [],
  inflight: [],
  activity: [],
  logs: { proxy: [], upstream: [] },
  transitions: [],
  nextSeq: 1,
};

/** A new connection: its snapshot replaces everything but the activity and the transitions seen. */
export function resetForReconnect(state: LiveState): LiveState {
  return { ...EMPTY_STATE, activity: state.activity, transitions: state.transitions, nextSeq: state.nextSeq };
}

function diffStates(before: readonly ApiModel[], after: readonly ApiModel[], atMs: number): ModelTransition[] {
  const previous = new Map(before.map((m) => [m.id, m.state]));
  const changes: ModelTransition[] = [];
  for (const model of after) {
    const from = previous.get(model.id);
    if (from !== undefined && from !== model.state) changes.push({ atMs, model: model.id, from, to: model.state });
  }
  return changes;
}

export function applyInflight(list: readonly InflightEntry[], update: InflightUpdate): readonly InflightEntry[] {
  switch (update.operation) {
    case 'snapshot':
      return update.requests;
    case 'upsert': {
      const at = list.findIndex((r) => r.id === update.request.id);
      if (at < 0) return [...list, update.request];
      return list.map((r, i) => (i === at ? update.request : r));
    }
    case 'remove':
      return list.filter((r) => r.id !== update.id);
  }
}

/** Adds rows (newest first, no id twice), keeping the newest `cap`. */
export function mergeActivity(list: readonly ActivityEntry[], rows: readonly ActivityEntry[], cap = MAX_ACTIVITY): readonly ActivityEntry[] {
  const byId = new Map(list.map((row) => [row.id, row]));
  for (const row of rows) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, cap);
}

function appendLines(lines: readonly LogLine[], data: string, firstSeq: number): { lines: readonly LogLine[]; count: number } {
  const texts = data.split('\n');
  if (texts.at(-1) === '') texts.pop();
  const added = texts.map((text, i) => ({ seq: firstSeq + i, text }));
  const all = lines.length + added.length > MAX_LOG_LINES ? [...lines, ...added].slice(-MAX_LOG_LINES) : [...lines, ...added];
  return { lines: all, count: added.length };
}

export function reduceLive(state: LiveState, event: DaemonEvent, atMs: number): LiveState {
  switch (event.type) {
    case 'modelStatus': {
      const changes = diffStates(state.models, event.models, atMs);
      const transitions = changes.length === 0 ? state.transitions : [...state.transitions, ...changes].slice(-MAX_TRANSITIONS);
      return { ...state, models: event.models, transitions };
    }
    case 'inflight':
      return { ...state, inflight: applyInflight(state.inflight, event.update) };
    case 'activity':
      return { ...state, activity: mergeActivity(state.activity, [event.entry]) };
    case 'logData': {
      const { source, data } = event.log;
      const { lines, count } = appendLines(state.logs[source], data, state.nextSeq);
      return { ...state, logs: { ...state.logs, [source]: lines }, nextSeq: state.nextSeq + count };
    }
  }
}
