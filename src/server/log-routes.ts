// /logs: recent history as plain text; /logs/stream[/channel]: history then live lines.
import type { Hono } from 'hono';
import type { LogHub } from '../shared/log-hub.js';
import type { AppContext, AppEnv } from './app-env.js';
import { badRequest } from './http-errors.js';
import { createLiveTextStream } from './live-text-stream.js';
import type { ModelResolver } from './model-resolver.js';
import { sendText } from './responses.js';

export interface LogRouteDeps {
  readonly hub: LogHub;
  readonly resolver: ModelResolver;
}

const STREAM_HEADERS = {
  'content-type': 'text/plain; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
};

function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function streamChannels(hub: LogHub, channels: readonly string[], withHistory: boolean): ReadableStream<Uint8Array> {
  return createLiveTextStream((live) => {
    if (withHistory) {
      const history = joinLines(channels.flatMap((channel) => hub.history(channel)));
      if (history !== '') live.send(history);
    }
    for (const channel of channels) live.onStop(hub.subscribe(channel, (line) => live.send(`${line}\n`)));
    live.onStop(hub.onEnd(() => live.close()));
  });
}

export function registerLogRoutes(app: Hono<AppEnv>, deps: LogRouteDeps): void {
  const { hub, resolver } = deps;
  app.get('/logs', (c) => sendText(c, joinLines([...hub.history('proxy'), ...hub.history('upstream')])));

  const stream = (channels: readonly string[]) => (c: AppContext) =>
    c.body(streamChannels(hub, channels, c.req.query('no-history') === undefined), 200, STREAM_HEADERS);
  app.get('/logs/stream', stream(['proxy', 'upstream']));
  app.get('/logs/stream/proxy', stream(['proxy']));
  app.get('/logs/stream/upstream', stream(['upstream']));
  app.get('/logs/stream/*', (c) => {
    const name = c.req.path.slice('/logs/stream/'.length);
    const model = resolver.resolveLocal(name);
    if (model === null) throw badRequest(`no log stream for "${name}": expected proxy, upstream or a model id`);
    return stream([model.id])(c);
  });
}
