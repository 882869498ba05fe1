// Which usage reader fits an answer: its token counts are read from SSE or JSON answers that
// succeeded and are not compressed.
import type { OutgoingHttpHeaders } from 'node:http';
import { createSseUsageReader } from './sse-usage-reader.js';
import { createJsonUsageReader, type UsageReader } from './usage-tokens.js';

/** The reader for a response head: SSE or JSON answers that succeeded; null for anything else. `now` times the first token of a stream. */
export function selectUsageReader(status: number, headers: OutgoingHttpHeaders, now: () => number): UsageReader | null {
  if (status < 200 || status >= 300) return null;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') return null;
  const type = String(headers['content-type'] ?? '');
  if (type.startsWith('text/event-stream')) return createSseUsageReader(now);
  return type.includes('json') ? createJsonUsageReader() : null;
}
