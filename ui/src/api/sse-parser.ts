// Server-sent events from a byte stream read with fetch (EventSource cannot send the API key):
// lines up to a blank line make one event; "data:" lines are joined with "\n" (the SSE spec).

export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** Feed it text as it arrives; it calls onEvent for each complete event. */
export function createSseParser(onEvent: (event: SseEvent) => void): (text: string) => void {
  let pending = '';
  let eventName = '';
  let data: string[] = [];
  const dispatch = (): void => {
    if (data.length > 0) onEvent({ event: eventName === '' ? 'message' : eventName, data: data.join('\n') });
    eventName = '';
    data = [];
  };
  const readLine = (line: string): void => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) return; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') eventName = value;
  };
  return (text) => {
    pending += text;
    let end = pending.indexOf('\n');
    while (end >= 0) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      readLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      end = pending.indexOf('\n');
    }
  };
}
