// Health, the root redirect, the web UI page and its live model-state stream (/ui/events).
import type { Config } from '../../config/types.js';
import type { LogHub } from '../../shared/log-hub.js';
import type { Supervisor } from '../../supervisor/types.js';
import { isManagedBy } from '../is-listed-for.js';
import { sendText } from '../responses.js';
import type { RouteDecl } from '../route-table.js';
import { streamModelEvents } from '../ui/model-events.js';
import { UI_HEADERS, UI_HTML } from '../ui/ui-page.js';

export interface UiRouteDeps {
  readonly config: Config;
  readonly supervisor: Supervisor;
  /** Its end (daemon shutdown) ends /ui/events too, like the log streams. */
  readonly hub: LogHub;
}

const EVENT_STREAM_HEADERS = {
  'content-type': 'application/x-ndjson; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
};

// The page shell holds no data (the page fetches everything with the user's key), so it is
// public: a daemon with keys must still show the page where the user pastes one.
export function getUiRoutes(deps: UiRouteDeps): RouteDecl[] {
  const { config, supervisor, hub } = deps;
  return [
    { method: 'GET', path: '/health', auth: 'public', handle: (c) => sendText(c, 'OK') },
    { method: 'GET', path: '/', auth: 'public', handle: (c) => c.redirect('/ui/', 302) },
    { method: 'GET', path: '/ui', auth: 'public', handle: (c) => c.redirect('/ui/', 301) },
    {
      method: 'GET',
      path: '/ui/',
      auth: 'public',
      handle: (c) => {
        for (const [name, value] of Object.entries(UI_HEADERS)) c.header(name, value);
        return sendText(c, UI_HTML, 'text/html; charset=utf-8');
      },
    },
    {
      method: 'GET',
      path: '/ui/events',
      auth: 'key',
      handle: (c) => {
        const key = c.get('exchange').caller;
        const visible = (id: string, aliases: readonly string[]): boolean => isManagedBy(key, id, aliases);
        return c.body(streamModelEvents(config, supervisor, hub, visible), 200, EVENT_STREAM_HEADERS);
      },
    },
  ];
}
