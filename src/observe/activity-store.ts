// The last metricsMaxInMemory finished model requests, oldest dropped first, and the page of
// them GET /api/metrics/activity asks for: filtered, sorted (ties by id, in the same direction)
// and paginated as llama-swap's store does it (internal/store/sqlite/activity.go).
import type { FinishedRecord, TokensNote } from '../proxy/hooks.js';
import { ActivityColumns } from './activity-columns.js';
import type { ActivityEntry } from './activity-entry.js';
import type { ActivityQuery, ActivitySortKey } from './activity-query.js';

export interface ActivityPage {
  readonly data: readonly ActivityEntry[];
  readonly page: number;
  readonly limit: number;
  readonly total: number;
  readonly total_pages: number;
}

type SortValue = (entry: ActivityEntry) => number | string;

// A figure the upstream did not report sorts as llama-swap's -1 (below every real value).
const ABSENT = -1;
const SORT_VALUES: Readonly<Record<ActivitySortKey, SortValue>> = {
  id: (e) => e.id,
  time: (e) => e.timestamp,
  model: (e) => e.model,
  src: (e) => e.src,
  req_path: (e) => e.req_path,
  resp_status_code: (e) => e.resp_status_code,
  resp_content_type: (e) => e.resp_content_type,
  cached: (e) => e.tokens.cache_tokens ?? ABSENT,
  prompt: (e) => e.tokens.input_tokens ?? ABSENT,
  generated: (e) => e.tokens.output_tokens ?? ABSENT,
  drafted: () => ABSENT,
  prompt_speed: (e) => e.tokens.prompt_per_second ?? ABSENT,
  gen_speed: (e) => e.tokens.tokens_per_second ?? ABSENT,
  duration: (e) => e.duration_ms,
  ttft: (e) => e.ttft_ms ?? ABSENT,
  ttfb: (e) => e.ttfb_ms ?? ABSENT,
  load_wait: (e) => e.load_wait_ms ?? ABSENT,
  outcome: (e) => e.outcome,
};

function matches(entry: ActivityEntry, query: ActivityQuery, models: ReadonlySet<string> | null): boolean {
  if (models !== null && !models.has(entry.model)) return false;
  if (query.minId > 0 && entry.id < query.minId) return false;
  if (query.maxId > 0 && entry.id > query.maxId) return false;
  if (query.srcPrefix !== '' && !entry.src.startsWith(query.srcPrefix)) return false;
  if (query.startSec !== null || query.endSec !== null) {
    const sec = Math.floor(Date.parse(entry.timestamp) / 1000);
    if (query.startSec !== null && sec < query.startSec) return false;
    if (query.endSec !== null && sec > query.endSec) return false;
  }
  return true;
}

function checkCapacity(capacity: number): number {
  if (!(Number.isSafeInteger(capacity) && capacity > 0)) throw new TypeError(`metricsMaxInMemory: expected a positive integer, got ${capacity}`);
  return capacity;
}

export class ActivityStore {
  private columns: ActivityColumns;
  private count = 0;
  /** The slot the next row goes to (the oldest row's once the ring is full). */
  private next = 0;
  private nextId = 1;

  constructor(capacity: number) {
    this.columns = new ActivityColumns(checkCapacity(capacity));
  }

  get size(): number {
    return this.count;
  }

  /** Records a finished request (the hot path: writes columns, allocates nothing); returns its id. */
  record(record: FinishedRecord, model: string, src: string, atMs: number, note: TokensNote | null): number {
    const id = this.nextId++;
    this.columns.writeRecord(this.claimSlot(), id, record, model, src, atMs, note);
    return id;
  }

  /** Stores an entry as given, numbering it (seeding, tests); returns it with its id. */
  push(entry: ActivityEntry): ActivityEntry {
    const numbered = { ...entry, id: this.nextId++ };
    this.columns.writeEntry(this.claimSlot(), numbered);
    return numbered;
  }

  /** The newest row, or null. */
  latest(): ActivityEntry | null {
    if (this.count === 0) return null;
    return this.columns.read((this.next + this.columns.capacity - 1) % this.columns.capacity);
  }

  /** A config reload may change metricsMaxInMemory: the newest rows stay. */
  resize(capacity: number): void {
    if (checkCapacity(capacity) === this.columns.capacity) return;
    const kept = this.oldestFirst().slice(-capacity);
    this.columns = new ActivityColumns(capacity);
    kept.forEach((entry, slot) => this.columns.writeEntry(slot, entry));
    this.count = kept.length;
    this.next = kept.length % capacity;
  }

  /** Every row, oldest first, as entries. */
  oldestFirst(): ActivityEntry[] {
    const { capacity } = this.columns;
    const first = this.count < capacity ? 0 : this.next;
    return Array.from({ length: this.count }, (_, i) => this.columns.read((first + i) % capacity));
  }

  private claimSlot(): number {
    const slot = this.next;
    this.next = (slot + 1) % this.columns.capacity;
    if (this.count < this.columns.capacity) this.count += 1;
    return slot;
  }

  list(query: ActivityQuery): ActivityPage {
    const models = query.models.length === 0 ? null : new Set(query.models);
    const rows = this.oldestFirst().filter((entry) => matches(entry, query, models));
    const value = SORT_VALUES[query.sort];
    const sign = query.order === 'asc' ? 1 : -1;
    rows.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x !== y) return (x < y ? -1 : 1) * sign;
      return (a.id - b.id) * sign;
    });
    const offset = (query.page - 1) * query.limit;
    return {
      data: rows.slice(offset, offset + query.limit),
      page: query.page,
      limit: query.limit,
      total: rows.length,
      total_pages: rows.length === 0 ? 0 : Math.ceil(rows.length / query.limit),
    };
  }
}
