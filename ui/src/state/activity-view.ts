// The Activity table's rows: filtered by model, status and text, and sorted by a column.
import type { ActivityEntry } from '../api/types';

export type SortKey = 'time' | 'model' | 'status' | 'duration' | 'load_wait' | 'ttft' | 'prompt' | 'cached' | 'generated' | 'prompt_speed' | 'gen_speed';

export interface ActivityFilters {
  readonly model: string;
  /** '' (all), 'ok', 'errors' (anything not ok), or one outcome. */
  readonly status: string;
  readonly text: string;
}

export interface Sort {
  readonly key: SortKey;
  readonly descending: boolean;
}

export const isOk = (row: ActivityEntry): boolean => row.outcome === 'ok' && row.resp_status_code < 400;

/** "200", "502 upstream_error", "200 aborted". */
export function describeStatus(row: ActivityEntry): string {
  return row.outcome === 'ok' ? String(row.resp_status_code) : `${row.resp_status_code} ${row.outcome}`;
}

const ABSENT = -1;
const SORT_VALUE: Readonly<Record<SortKey, (row: ActivityEntry) => number | string>> = {
  time: (r) => r.id,
  model: (r) => r.model,
  status: (r) => describeStatus(r),
  duration: (r) => r.duration_ms,
  load_wait: (r) => r.load_wait_ms ?? ABSENT,
  ttft: (r) => r.ttft_ms ?? ABSENT,
  prompt: (r) => r.tokens.input_tokens ?? ABSENT,
  cached: (r) => r.tokens.cache_tokens ?? ABSENT,
  generated: (r) => r.tokens.output_tokens ?? ABSENT,
  prompt_speed: (r) => r.tokens.prompt_per_second ?? ABSENT,
  gen_speed: (r) => r.tokens.tokens_per_second ?? ABSENT,
};

export function matchesActivity(row: ActivityEntry, filters: ActivityFilters): boolean {
  if (filters.model !== '' && row.model !== filters.model) return false;
  if (filters.status === 'ok' && !isOk(row)) return false;
  if (filters.status === 'errors' && isOk(row)) return false;
  if (filters.status !== '' && filters.status !== 'ok' && filters.status !== 'errors' && row.outcome !== filters.status) return false;
  const text = filters.text.trim().toLowerCase();
  if (text === '') return true;
  return [row.req_path, row.request_id, row.key_name ?? '', row.model, String(row.resp_status_code)].some((s) => s.toLowerCase().includes(text));
}

export function sortActivity(rows: readonly ActivityEntry[], sort: Sort): ActivityEntry[] {
  const value = SORT_VALUE[sort.key];
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x !== y) return (x < y ? -1 : 1) * sign;
    return (a.id - b.id) * sign;
  });
}

/** Every outcome in the rows, for the status filter. */
export function listOutcomes(rows: readonly ActivityEntry[]): string[] {
  return [...new Set(rows.map((r) => r.outcome))].filter((o) => o !== 'ok').sort();
}
