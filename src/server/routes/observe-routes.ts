// What swapgate tells about its work, in llama-swap's shapes where llama-swap has the route:
// the activity store (/api/metrics/activity, /api/metrics/stats), live events (/api/events),
// cancelling a request in flight, the machine's performance and the Prometheus scrape target.
// They may show prompts' sizes, keys' names and upstream logs: admin keys only.
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { parseActivityQuery } from '../../observe/activity-query.js';
import type { Observability } from '../../observe/create-observability.js';
import { SSE_RESPONSE_HEADERS } from '../../observe/event-streams.js';
import { badRequest } from '../../proxy/proxy-errors.js';
import { SwapgateError } from '../../shared/errors.js';
import type { AppContext } from '../app-env.js';
import { sendJson, sendText } from '../responses.js';
import type { RouteDecl } from '../route-table.js';

const INFLIGHT_PREFIX = '/api/inflight/';
const CANCEL_SUFFIX = '/cancel';

function getQuery(c: AppContext): URLSearchParams {
  const url = c.get('exchange').rawUrl;
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

function inflightNotFound(): SwapgateError {
  return new SwapgateError('bad_request', 'inflight request not found', { status: 404, type: 'not_found_error' });
}

export function getObserveRoutes(observe: Observability): RouteDecl[] {
  return [
    {
      method: 'GET',
      path: '/api/metrics/activity',
      auth: 'admin',
      handle: (c) => {
        const parsed = parseActivityQuery(getQuery(c));
        if (!parsed.ok) throw badRequest(parsed.message);
        return sendJson(c, observe.activity.list(parsed.query));
      },
    },
    {
      method: 'GET',
      path: '/api/metrics/stats',
      auth: 'admin',
      handle: (c) => sendJson(c, observe.stats((getQuery(c).get('model') ?? '').trim())),
    },
    {
      method: 'GET',
      path: '/api/events',
      auth: 'admin',
      handle: (c) => {
        const exchange = c.get('exchange');
        exchange.writeHead(200, { ...SSE_RESPONSE_HEADERS });
        observe.openEvents(exchange.outgoing);
        return RESPONSE_ALREADY_SENT;
      },
    },
    {
      method: 'POST',
      path: `${INFLIGHT_PREFIX}*`,
      auth: 'admin',
      handle: (c) => {
        const path = c.get('exchange').path;
        if (!path.endsWith(CANCEL_SUFFIX)) throw inflightNotFound();
        const id = path.slice(INFLIGHT_PREFIX.length, -CANCEL_SUFFIX.length);
        if (id === '' || !observe.inflight.cancel(id)) throw inflightNotFound();
        return sendJson(c, { msg: 'ok' });
      },
    },
    {
      method: 'GET',
      path: '/api/performance',
      auth: 'admin',
      handle: async (c) => sendJson(c, await observe.performance.read()),
    },
    {
      method: 'GET',
      path: '/metrics',
      auth: 'admin',
      handle: async (c) => sendText(c, await observe.renderMetrics(), observe.metrics.registry.contentType),
    },
  ];
}
