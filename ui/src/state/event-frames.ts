// The frames of GET /api/events, llama-swap's format: `data:{"type":…,"data":"<json string>"}`.
// A frame that does not parse, or of a type this UI does not know, is dropped (null), never thrown:
// a newer daemon may send more.
import type { ActivityEntry, ApiModel, InflightUpdate, LogData } from '../api/types';

export type DaemonEvent =
  | { readonly type: 'modelStatus'; readonly models: readonly ApiModel[] }
  | { readonly type: 'logData'; readonly log: LogData }
  | { readonly type: 'activity'; readonly entry: ActivityEntry }
  | { readonly type: 'inflight'; readonly update: InflightUpdate };

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export function decodeFrame(data: string): DaemonEvent | null {
  const frame = parse(data);
  if (!isObject(frame) || typeof frame.type !== 'string' || typeof frame.data !== 'string') return null;
  const payload = parse(frame.data);
  switch (frame.type) {
    case 'modelStatus':
      return Array.isArray(payload) ? { type: 'modelStatus', models: payload as ApiModel[] } : null;
    case 'logData':
      return isObject(payload) && typeof payload.data === 'string' && (payload.source === 'proxy' || payload.source === 'upstream')
        ? { type: 'logData', log: payload as unknown as LogData }
        : null;
    case 'activity':
      return isObject(payload) && typeof payload.id === 'number' ? { type: 'activity', entry: payload as unknown as ActivityEntry } : null;
    case 'inflight':
      return isObject(payload) && typeof payload.operation === 'string' ? { type: 'inflight', update: payload as unknown as InflightUpdate } : null;
    default:
      return null;
  }
}
