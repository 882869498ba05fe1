// Health, the root redirect, the web UI page and its live model-state stream (/ui/events).
import type { Hono } from 'hono';
import type { Config } from '../config/types.js';
import type { LogHub } from '../shared/log-hub.js';
import type { Supervisor } from '../supervisor/types.js';
import type { AppEnv } from './app-env.js';
import { sendText } from './responses.js';
import { getGovernedRequest } from './governance/governed-request.js';
import { isManagedBy } from './is-listed-for.js';
import { streamModelEvents } from './ui/model-events.js';
import { UI_HEADERS, UI_HTML } from './ui/ui-page.js';

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

export function registerUiRoutes(app: Hono<AppEnv>, deps: UiRouteDeps): void {
  const { config, supervisor, hub } = deps;
  app.get('/health', (c) => sendText(c, 'OK'));
  app.get('/', (c) => c.redirect('/ui/', 302));
  app.get('/ui', (c) => c.redirect('/ui/', 301));
  app.get('/ui/', (c) => {
    for (const [name, value] of Object.entries(UI_HEADERS)) c.header(name, value);
    return sendText(c, UI_HTML, 'text/html; charset=utf-8');
  });
  app.get('/ui/events', (c) => {
    const { key } = getGovernedRequest(c.get('state'));
    const visible = (id: string, aliases: readonly string[]): boolean => isManagedBy(key, id, aliases);
    return c.body(streamModelEvents(config, supervisor, hub, visible), 200, EVENT_STREAM_HEADERS);
  });
}
