// /logs: recent history as plain text; /logs/stream[/channel]: history then live lines.
import type { ModelResolver } from '../../proxy/model-resolver.js';
import { badRequest } from '../../proxy/proxy-errors.js';
import type { LogHub } from '../../shared/log-hub.js';
import type { AppContext } from '../app-env.js';
import { createLiveTextStream } from '../live-text-stream.js';
import { sendText } from '../responses.js';
import type { RouteDecl } from '../route-table.js';

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

// Logs may hold prompts and upstream output: with admin keys configured, only they may read them.
export function getLogRoutes(deps: LogRouteDeps): RouteDecl[] {
  const { hub, resolver } = deps;
  const stream = (channels: readonly string[]) => (c: AppContext) =>
    c.body(streamChannels(hub, channels, c.req.query('no-history') === undefined), 200, STREAM_HEADERS);
  return [
    { method: 'GET', path: '/logs', auth: 'admin', handle: (c) => sendText(c, joinLines([...hub.history('proxy'), ...hub.history('upstream')])) },
    { method: 'GET', path: '/logs/stream', auth: 'admin', handle: stream(['proxy', 'upstream']) },
    { method: 'GET', path: '/logs/stream/proxy', auth: 'admin', handle: stream(['proxy']) },
    { method: 'GET', path: '/logs/stream/upstream', auth: 'admin', handle: stream(['upstream']) },
    {
      method: 'GET',
      path: '/logs/stream/*',
      auth: 'admin',
      handle: (c) => {
        const name = c.req.path.slice('/logs/stream/'.length);
        const model = resolver.resolveLocal(name);
        if (model === null) throw badRequest(`no log stream for "${name}": expected proxy, upstream or a model id`);
        return stream([model.id])(c);
      },
    },
  ];
}
