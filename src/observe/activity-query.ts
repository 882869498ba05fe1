// The query string of GET /api/metrics/activity, read as llama-swap reads it (its
// internal/server/apigroup.go parseActivityQuery): the same parameters, defaults, bounds and
// messages, so a script written for llama-swap gets the same rows and the same 400s.
//   model (repeatable), start / end (RFC 3339), min_id / max_id, src_prefix,
//   limit (1..999, default 25), page (>= 1), sort (a column key), order (asc | desc).

export const ACTIVITY_SORT_KEYS = [
  'id', 'time', 'model', 'src', 'req_path', 'resp_status_code', 'resp_content_type',
  'cached', 'prompt', 'generated', 'drafted', 'prompt_speed', 'gen_speed', 'duration',
  // swapgate's own columns
  'ttft', 'ttfb', 'load_wait', 'outcome',
] as const;

export type ActivitySortKey = (typeof ACTIVITY_SORT_KEYS)[number];

export interface ActivityQuery {
  /** Empty: every model. */
  readonly models: readonly string[];
  /** Inclusive bounds in epoch seconds (llama-swap compares whole seconds); null: unbounded. */
  readonly startSec: number | null;
  readonly endSec: number | null;
  /** Inclusive id bounds; 0: unbounded. */
  readonly minId: number;
  readonly maxId: number;
  readonly srcPrefix: string;
  readonly limit: number;
  readonly page: number;
  readonly sort: ActivitySortKey;
  readonly order: 'asc' | 'desc';
}

export type ActivityQueryResult = { readonly ok: true; readonly query: ActivityQuery } | { readonly ok: false; readonly message: string };

export const DEFAULT_ACTIVITY_LIMIT = 25;

/** What the handler reads: one value (the first) or every value of a parameter. */
export interface QueryParams {
  get(name: string): string | null;
  getAll(name: string): string[];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const SORT_KEYS: ReadonlySet<string> = new Set(ACTIVITY_SORT_KEYS);

class QueryError extends Error {}

/** Go's strconv.Atoi: optional sign, decimal digits, nothing else. */
function toInt(raw: string): number | null {
  return /^[+-]?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : null;
}

function readTime(params: QueryParams, name: string): number | null {
  const raw = (params.get(name) ?? '').trim();
  if (raw === '') return null;
  const ms = RFC3339.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) throw new QueryError(`invalid '${name}' timestamp, use RFC3339 format`);
  return Math.floor(ms / 1000);
}

function readId(params: QueryParams, name: string): number {
  const raw = (params.get(name) ?? '').trim();
  if (raw === '') return 0;
  const id = toInt(raw);
  if (id === null || id < 1) throw new QueryError(`${name} must be >= 1`);
  return id;
}

function readLimit(params: QueryParams): number {
  const raw = (params.get('limit') ?? '').trim();
  if (raw === '') return DEFAULT_ACTIVITY_LIMIT;
  const limit = toInt(raw);
  if (limit === null) throw new QueryError('invalid limit');
  if (limit > 0 && limit < 1000) return limit;
  throw new QueryError('limit must be between 1 and 999');
}

function readPage(params: QueryParams): number {
  const raw = (params.get('page') ?? '').trim();
  if (raw === '') return 1;
  const page = toInt(raw);
  if (page === null || page < 1) throw new QueryError('page must be >= 1');
  return page;
}

function readSort(params: QueryParams): ActivitySortKey {
  const raw = (params.get('sort') ?? '').trim();
  if (raw === '') return 'id';
  if (!SORT_KEYS.has(raw)) throw new QueryError('invalid sort column');
  return raw as ActivitySortKey;
}

function readOrder(params: QueryParams): 'asc' | 'desc' {
  const raw = (params.get('order') ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'desc') return 'desc';
  if (raw === 'asc') return 'asc';
  throw new QueryError('order must be asc or desc');
}

function read(params: QueryParams): ActivityQuery {
  const models = params.getAll('model').map((m) => m.trim()).filter((m) => m !== '');
  const startSec = readTime(params, 'start');
  const endSec = readTime(params, 'end');
  if (startSec !== null && endSec !== null && startSec > endSec) throw new QueryError('start must be before end');
  const minId = readId(params, 'min_id');
  const maxId = readId(params, 'max_id');
  if (minId > 0 && maxId > 0 && minId > maxId) throw new QueryError('min_id must be <= max_id');
  const limit = readLimit(params);
  const page = readPage(params);
  return { models, startSec, endSec, minId, maxId, srcPrefix: params.get('src_prefix') ?? '', limit, page, sort: readSort(params), order: readOrder(params) };
}

/** The query, or the message of the 400 llama-swap answers (checked in its order). */
export function parseActivityQuery(params: QueryParams): ActivityQueryResult {
  try {
    return { ok: true, query: read(params) };
  } catch (error) {
    if (error instanceof QueryError) return { ok: false, message: error.message };
    throw error;
  }
}
