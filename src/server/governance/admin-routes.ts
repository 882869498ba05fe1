// Which routes manage the daemon rather than use a model. When any API key is an admin key,
// only admin keys may call them: load/unload (they stop other people's models), the logs
// (prompts and upstream output may appear there) and /running (it shows command lines).
export interface AdminAction {
  readonly action: 'load' | 'unload' | 'unload_all';
  /** The model as named in the path; null for "unload everything". */
  readonly target: string | null;
}

export function isAdminPath(path: string): boolean {
  return path.startsWith('/api/') || path === '/logs' || path.startsWith('/logs/') || path === '/running';
}

/** The management action a request performs, for the audit's "admin" event; null for none. */
export function getAdminAction(method: string, path: string): AdminAction | null {
  if (method !== 'POST') return null;
  if (path === '/api/models/unload') return { action: 'unload_all', target: null };
  if (path.startsWith('/api/models/unload/')) return { action: 'unload', target: path.slice('/api/models/unload/'.length) };
  if (path.startsWith('/api/models/load/')) return { action: 'load', target: path.slice('/api/models/load/'.length) };
  return null;
}
