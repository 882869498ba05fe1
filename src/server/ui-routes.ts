// Health, the root redirect, and a small placeholder UI listing models and their status.
import type { Hono } from 'hono';
import type { Config } from '../config/types.js';
import type { Supervisor } from '../supervisor/types.js';
import type { AppEnv } from './app-env.js';
import { getListedStatus } from './model-routes.js';
import { sendText } from './responses.js';

export interface UiRouteDeps {
  readonly config: Config;
  readonly supervisor: Supervisor;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

export function renderUi(config: Config, supervisor: Supervisor): string {
  const stateOf = new Map(supervisor.statuses().map((s) => [s.id, s.state]));
  const rows = config.models
    .filter((m) => !m.unlisted)
    .map((m) => {
      const status = getListedStatus(stateOf.get(m.id) ?? 'stopped');
      const label = m.name === null ? '' : ` (${escapeHtml(m.name)})`;
      return `<tr><td>${escapeHtml(m.id)}${label}</td><td class="${status}">${status}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>swapgate</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}td{padding:.2rem 1rem}.loaded{color:green}.loading{color:orange}</style>
</head><body><h1>swapgate</h1>
<table><thead><tr><th>model</th><th>status</th></tr></thead><tbody>
${rows}
</tbody></table>
<p><a href="/v1/models">/v1/models</a> · <a href="/running">/running</a> · <a href="/logs">/logs</a></p>
</body></html>
`;
}

export function registerUiRoutes(app: Hono<AppEnv>, deps: UiRouteDeps): void {
  app.get('/health', (c) => sendText(c, 'OK'));
  app.get('/', (c) => c.redirect('/ui/', 302));
  app.get('/ui', (c) => c.redirect('/ui/', 301));
  app.get('/ui/', (c) => sendText(c, renderUi(deps.config, deps.supervisor), 'text/html; charset=utf-8'));
}
