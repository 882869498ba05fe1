// Requests to the daemon with the tab's API key, and their failures as sentences a user can act on.
import { signal } from '@preact/signals';

const KEY_STORAGE = 'swapgate.apiKey';

function readStoredKey(): string {
  try {
    return sessionStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return ''; // storage disabled: no key until the user enters one
  }
}

/** The key sent as a Bearer token ('' = none), kept in sessionStorage for this tab. */
export const apiKey = signal(readStoredKey());

export function setApiKey(key: string): void {
  apiKey.value = key;
  try {
    if (key === '') sessionStorage.removeItem(KEY_STORAGE);
    else sessionStorage.setItem(KEY_STORAGE, key);
  } catch {
    // storage refused: the key still lives until the page is closed
  }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function isAuthError(error: unknown): error is HttpError {
  return error instanceof HttpError && (error.status === 401 || error.status === 403);
}

export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey.value;
  return key === '' ? extra : { ...extra, authorization: `Bearer ${key}` };
}

/** swapgate's OpenAI-shaped error message, else the body text, else the status text. */
export async function readErrorMessage(res: Response): Promise<string> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    // body lost: the status still says what happened
  }
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not a JSON error: show the text
  }
  return text.trim() || res.statusText;
}

/** fetch with the key; a non-2xx answer throws an HttpError. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = authHeaders((init.headers as Record<string, string> | undefined) ?? {});
  const res = await fetch(path, { cache: 'no-store', ...init, headers });
  if (res.ok) return res;
  throw new HttpError(res.status, await readErrorMessage(res));
}

/** Hands each decoded piece of a streamed body to onText until it ends. */
export async function readBodyText(res: Response, onText: (text: string) => void): Promise<void> {
  if (res.body === null) throw new Error('the response has no body');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onText(value);
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await request(path, signal === undefined ? {} : { signal });
  return (await res.json()) as T;
}

export async function post(path: string): Promise<void> {
  await request(path, { method: 'POST' });
}

/** A model id as a path (ids may hold "/"; each segment is encoded). */
export function encodeModelPath(id: string): string {
  return id.split('/').map(encodeURIComponent).join('/');
}

export function describeError(error: unknown): string {
  if (!(error instanceof HttpError)) {
    return `Cannot reach swapgate (${error instanceof Error ? error.message : String(error)}).`;
  }
  if (error.status === 401) {
    const what = apiKey.value === '' ? 'This swapgate requires an API key.' : 'The API key was refused.';
    return `${what} (HTTP 401: ${error.message})`;
  }
  if (error.status === 403) return `Not allowed with this API key; an admin key is required. (HTTP 403: ${error.message})`;
  return `HTTP ${error.status}: ${error.message}`;
}
