// The routes the proxy pipeline serves: inference (the model from the JSON body, a multipart
// field or ?model=) and /upstream/<model>/… passthrough. Each hands the exchange to the pipeline,
// which answers it itself (errors included).
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Handler } from 'hono';
import type { BodyReader, Pipeline } from '../../proxy/pipeline.js';
import type { AppEnv } from '../app-env.js';
import { JSON_MODEL_ROUTES, MULTIPART_MODEL_ROUTES, QUERY_MODEL_ROUTES, type RouteDecl } from '../route-table.js';

export function getProxyRoutes(pipeline: Pipeline): RouteDecl[] {
  const serve = (reader: BodyReader): Handler<AppEnv> =>
    async function proxied(c) {
      await pipeline.run(reader, c.get('exchange'));
      return RESPONSE_ALREADY_SENT;
    };
  const json = serve('json');
  const multipart = serve('multipart');
  const query = serve('query');
  return [
    ...JSON_MODEL_ROUTES.map((path): RouteDecl => ({ method: 'POST', path, auth: 'key', handle: json })),
    ...MULTIPART_MODEL_ROUTES.map((path): RouteDecl => ({ method: 'POST', path, auth: 'key', handle: multipart })),
    ...QUERY_MODEL_ROUTES.map((path): RouteDecl => ({ method: 'GET', path, auth: 'key', handle: query })),
    { method: 'ALL', path: '/upstream/*', auth: 'key', handle: serve('passthrough') },
  ];
}
