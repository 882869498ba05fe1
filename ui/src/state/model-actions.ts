// Load, Unload and Unload all, with what each is doing and why it failed, per model. A failed
// start is not repeated here: the daemon records it as the model's last failure, which the card
// shows (with its log tail) once.
import { signal } from '@preact/signals';
import { describeError, encodeModelPath, HttpError, post } from '../api/http';
import { refreshSoon } from './model-details';

export type ModelAction = 'load' | 'unload';

export const busy = signal<ReadonlyMap<string, ModelAction>>(new Map());
export const notes = signal<ReadonlyMap<string, string>>(new Map());
export const unloadAllState = signal<{ running: boolean; error: string }>({ running: false, error: '' });

function withEntry<V>(map: ReadonlyMap<string, V>, id: string, value: V | null): ReadonlyMap<string, V> {
  const next = new Map(map);
  if (value === null) next.delete(id);
  else next.set(id, value);
  return next;
}

/** 502/504 from a load are start failures: the model's lastFailure tells them. */
const isStartFailure = (error: unknown): boolean => error instanceof HttpError && (error.status === 502 || error.status === 504);

export async function runModelAction(id: string, action: ModelAction): Promise<void> {
  busy.value = withEntry(busy.value, id, action);
  notes.value = withEntry(notes.value, id, null);
  try {
    await post(`/api/models/${action}/${encodeModelPath(id)}`);
  } catch (error) {
    if (!(action === 'load' && isStartFailure(error))) notes.value = withEntry(notes.value, id, describeError(error));
  } finally {
    busy.value = withEntry(busy.value, id, null);
    refreshSoon();
  }
}

export async function unloadAll(): Promise<void> {
  unloadAllState.value = { running: true, error: '' };
  try {
    await post('/api/models/unload');
    unloadAllState.value = { running: false, error: '' };
  } catch (error) {
    unloadAllState.value = { running: false, error: describeError(error) };
  }
}
