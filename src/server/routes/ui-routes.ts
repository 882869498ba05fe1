// Health, the root redirect, the web UI (its shell and hashed assets, built into dist/ui by
// scripts/bundle-ui.mjs) and the UI's model details (/ui/api/models).
import type { Config } from '../../config/types.js';
import type { Observability } from '../../observe/create-observability.js';
import type { Supervisor } from '../../supervisor/types.js';
import type { AppContext } from '../app-env.js';
import { isManagedBy } from '../is-listed-for.js';
import { sendJson, sendText } from '../responses.js';
import type { RouteDecl } from '../route-table.js';
import { findUiDir, loadUiAssets } from '../ui/ui-assets.js';
import { getModelTimes } from '../ui/model-times.js';
import { sendUiAsset } from '../ui/send-ui-asset.js';
import { listUiModels } from '../ui/ui-models.js';

export interface UiRouteDeps {
  readonly config: Config;
  readonly supervisor: Supervisor;
  readonly observe: Observability;
  /** The built UI; default: findUiDir() (dist/ui). null: not built. */
  readonly uiDir?: string | null;
  readonly wallNow?: () => number;
}

/** The shell's own script, style and API calls only; nothing inline, no other origin, no framing. */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SHELL_HEADERS = {
  'content-security-policy': UI_CSP,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Served (200, the daemon works without it) when dist/ui is missing: a checkout that ran no build. */
const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>swapgate</title><p>The web UI is not built: run <code>npm run build</code> (it writes dist/ui).</p>\n';

const ASSET_PREFIX = '/ui/assets/';

/** When each model's latest finished request ended, from the activity store (newest rows last). */
function getLastFinished(observe: Observability): (modelId: string) => number | null {
  const latest = new Map<string, number>();
  for (const row of observe.activity.oldestFirst()) latest.set(row.model, Date.parse(row.timestamp));
  return (modelId) => latest.get(modelId) ?? null;
}

// The shell and assets hold no data (the page fetches everything with the user's key), so they
// are public: a daemon with keys must still show the page where the user pastes one.
export function getUiRoutes(deps: UiRouteDeps): RouteDecl[] {
  const { config, supervisor, observe } = deps;
  const uiDir = deps.uiDir === undefined ? findUiDir() : deps.uiDir;
  const times = getModelTimes(supervisor);
  const wallNow = deps.wallNow ?? Date.now;
  const serveShell = async (c: AppContext): Promise<Response> => {
    if (uiDir === null) {
      for (const [name, value] of Object.entries(SHELL_HEADERS)) c.header(name, value);
      return sendText(c, NOT_BUILT, 'text/html; charset=utf-8');
    }
    return sendUiAsset(c, (await loadUiAssets(uiDir)).shell, 'revalidate', SHELL_HEADERS);
  };
  return [
    { method: 'GET', path: '/health', auth: 'public', handle: (c) => sendText(c, 'OK') },
    { method: 'GET', path: '/', auth: 'public', handle: (c) => c.redirect('/ui/', 302) },
    { method: 'GET', path: '/ui', auth: 'public', handle: (c) => c.redirect('/ui/', 301) },
    { method: 'GET', path: '/ui/', auth: 'public', handle: serveShell },
    {
      method: 'GET',
      path: `${ASSET_PREFIX}*`,
      auth: 'public',
      handle: async (c) => {
        const asset = uiDir === null ? undefined : (await loadUiAssets(uiDir)).files.get(c.req.path.slice(ASSET_PREFIX.length));
        if (asset === undefined) return sendText(c, 'no such UI asset\n', 'text/plain; charset=utf-8', 404);
        return sendUiAsset(c, asset, 'immutable');
      },
    },
    {
      method: 'GET',
      path: '/ui/api/models',
      auth: 'admin',
      handle: (c) => {
        const key = c.get('exchange').caller;
        return sendJson(
          c,
          listUiModels({
            config,
            supervisor,
            times,
            lastFinishedAtMs: getLastFinished(observe),
            visible: (id, aliases) => isManagedBy(key, id, aliases),
            nowMs: wallNow(),
          }),
        );
      },
    },
  ];
}
