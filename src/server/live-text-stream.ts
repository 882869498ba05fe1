// A text stream fed by subscriptions (log lines, model events) for as long as the client reads
// it: it ends when the feed says so or the client cancels, and either way every subscription
// it made is dropped.
export interface LiveStream {
  /** Sends text; a stream already closed under us just stops listening. */
  send(text: string): void;
  /** Ends the stream (the client gets the end of the body). */
  close(): void;
  /** Runs when the stream ends, however it ends (unsubscribe here). */
  onStop(unsubscribe: () => void): void;
}

export function createLiveTextStream(start: (live: LiveStream) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const unsubscribers: (() => void)[] = [];
  const stop = (): void => {
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      start({
        send(text) {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            stop(); // the stream was closed under us: stop listening
          }
        },
        close() {
          stop();
          try {
            controller.close();
          } catch {
            // already closed or cancelled by the client: nothing left to end
          }
        },
        onStop(unsubscribe) {
          unsubscribers.push(unsubscribe);
        },
      });
    },
    cancel: stop,
  });
}
