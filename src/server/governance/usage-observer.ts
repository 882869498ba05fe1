// Usage metering for the audit record when nothing else needs the answer: reads the token
// counts off the response as forward.ts pipes it, so the answer is neither held nor copied.
import type { OutgoingHttpHeaders } from 'node:http';
import type { ResponseObserver } from '../client-io.js';
import type { GovernedRequest } from './governed-request.js';
import { createSseUsageReader } from './sse-usage-reader.js';
import { createJsonUsageReader, type UsageReader } from './usage-tokens.js';

/** The reader for a response head: SSE or JSON answers that succeeded; null for anything else. */
export function selectUsageReader(status: number, headers: OutgoingHttpHeaders): UsageReader | null {
  if (status < 200 || status >= 300) return null;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') return null;
  const type = String(headers['content-type'] ?? '');
  if (type.startsWith('text/event-stream')) return createSseUsageReader();
  return type.includes('json') ? createJsonUsageReader() : null;
}

export function createUsageObserver(request: GovernedRequest): ResponseObserver {
  let reader: UsageReader | null = null;
  return {
    head(status, headers) {
      reader = selectUsageReader(status, headers);
    },
    chunk(chunk) {
      reader?.push(chunk);
    },
    end() {
      if (reader !== null) request.tokens = reader.read();
    },
  };
}
