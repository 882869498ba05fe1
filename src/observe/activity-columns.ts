// The activity ring as columns: one Float64Array per figure (NaN: not reported) and one array per
// text field, allocated once for metricsMaxInMemory rows. Recording a request writes into a slot
// and allocates nothing, so the rows, which live long enough to reach the old generation, do not
// make the garbage collector work per request; entry objects are made only when read.
import type { FinishedRecord, TokensNote } from '../proxy/hooks.js';
import { formatTimestamp, getOutcome, getTtftMs, roundMs, type ActivityEntry, type ActivityTokens } from './activity-entry.js';

const NUMBERS = ['id', 'atMs', 'status', 'input', 'output', 'cached', 'promptSpeed', 'genSpeed', 'durationMs', 'loadWaitMs', 'ttfbMs', 'ttftMs'] as const;
const TEXTS = ['src', 'model', 'path', 'method', 'contentType', 'outcome', 'keyName', 'requestId'] as const;

type NumberColumn = (typeof NUMBERS)[number];
type TextColumn = (typeof TEXTS)[number];

const orNaN = (value: number | null | undefined): number => value ?? Number.NaN;

export class ActivityColumns {
  readonly num: Readonly<Record<NumberColumn, Float64Array>>;
  readonly text: Readonly<Record<TextColumn, (string | null)[]>>;

  constructor(readonly capacity: number) {
    this.num = Object.fromEntries(NUMBERS.map((name) => [name, new Float64Array(capacity)])) as Record<NumberColumn, Float64Array>;
    this.text = Object.fromEntries(TEXTS.map((name) => [name, new Array<string | null>(capacity).fill(null)])) as Record<TextColumn, (string | null)[]>;
  }

  /** Writes a finished request into `slot`. */
  writeRecord(slot: number, id: number, record: FinishedRecord, model: string, src: string, atMs: number, note: TokensNote | null): void {
    const { num, text } = this;
    num.id[slot] = id;
    num.atMs[slot] = atMs;
    num.status[slot] = record.status;
    num.input[slot] = orNaN(note?.prompt);
    num.output[slot] = orNaN(note?.completion);
    num.cached[slot] = orNaN(note?.cached);
    num.promptSpeed[slot] = orNaN(note?.promptPerSecond);
    num.genSpeed[slot] = orNaN(note?.generationPerSecond);
    num.durationMs[slot] = roundMs(record.durationMs);
    num.loadWaitMs[slot] = record.loadWaitMs === null ? Number.NaN : roundMs(record.loadWaitMs);
    num.ttfbMs[slot] = record.firstByteMs === null ? Number.NaN : roundMs(record.firstByteMs);
    num.ttftMs[slot] = getTtftMs(record, note);
    text.src[slot] = src;
    text.model[slot] = model;
    text.path[slot] = record.facts.path;
    text.method[slot] = record.facts.method;
    text.contentType[slot] = record.contentType ?? '';
    text.outcome[slot] = getOutcome(record);
    text.keyName[slot] = record.caller?.name ?? null;
    text.requestId[slot] = record.facts.id;
  }

  /** Writes an entry as read back (a resize keeps rows; tests seed rows). */
  writeEntry(slot: number, entry: ActivityEntry): void {
    const { num, text } = this;
    const { tokens } = entry;
    num.id[slot] = entry.id;
    num.atMs[slot] = Date.parse(entry.timestamp);
    num.status[slot] = entry.resp_status_code;
    num.input[slot] = orNaN(tokens.input_tokens);
    num.output[slot] = orNaN(tokens.output_tokens);
    num.cached[slot] = orNaN(tokens.cache_tokens);
    num.promptSpeed[slot] = orNaN(tokens.prompt_per_second);
    num.genSpeed[slot] = orNaN(tokens.tokens_per_second);
    num.durationMs[slot] = entry.duration_ms;
    num.loadWaitMs[slot] = orNaN(entry.load_wait_ms);
    num.ttfbMs[slot] = orNaN(entry.ttfb_ms);
    num.ttftMs[slot] = orNaN(entry.ttft_ms);
    text.src[slot] = entry.src;
    text.model[slot] = entry.model;
    text.path[slot] = entry.req_path;
    text.method[slot] = entry.method;
    text.contentType[slot] = entry.resp_content_type;
    text.outcome[slot] = entry.outcome;
    text.keyName[slot] = entry.key_name ?? null;
    text.requestId[slot] = entry.request_id;
  }

  read(slot: number): ActivityEntry {
    const { num, text } = this;
    const tokens: ActivityTokens = {};
    const put = (key: keyof ActivityTokens, value: number | undefined): void => {
      if (value !== undefined && !Number.isNaN(value)) tokens[key] = value;
    };
    put('input_tokens', num.input[slot]);
    put('output_tokens', num.output[slot]);
    put('cache_tokens', num.cached[slot]);
    put('prompt_per_second', num.promptSpeed[slot]);
    put('tokens_per_second', num.genSpeed[slot]);
    const entry: { -readonly [K in keyof ActivityEntry]: ActivityEntry[K] } = {
      id: num.id[slot] as number,
      timestamp: formatTimestamp(num.atMs[slot] as number),
      src: text.src[slot] ?? '',
      model: text.model[slot] ?? '',
      req_path: text.path[slot] ?? '',
      method: text.method[slot] ?? '',
      resp_content_type: text.contentType[slot] ?? '',
      resp_status_code: num.status[slot] as number,
      outcome: text.outcome[slot] ?? '',
      tokens,
      duration_ms: num.durationMs[slot] as number,
      request_id: text.requestId[slot] ?? '',
      has_capture: false,
    };
    const loadWait = num.loadWaitMs[slot] as number;
    const ttfb = num.ttfbMs[slot] as number;
    const ttft = num.ttftMs[slot] as number;
    const keyName = text.keyName[slot] ?? null;
    if (!Number.isNaN(loadWait)) entry.load_wait_ms = loadWait;
    if (!Number.isNaN(ttfb)) entry.ttfb_ms = ttfb;
    if (!Number.isNaN(ttft)) entry.ttft_ms = ttft;
    if (keyName !== null) entry.key_name = keyName;
    return entry;
  }
}
