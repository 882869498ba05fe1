// The routes the proxy pipeline serves: inference (the model from the JSON body, a multipart
// field or ?model=) and /upstream/<model>/… passthrough.
import { JSON_MODEL_ROUTES, MULTIPART_MODEL_ROUTES, QUERY_MODEL_ROUTES, type ProxiedRoute } from '../route-table.js';

export function getProxyRoutes(): ProxiedRoute[] {
  return [
    ...JSON_MODEL_ROUTES.map((path): ProxiedRoute => ({ method: 'POST', path, auth: 'key', proxy: 'json' })),
    ...MULTIPART_MODEL_ROUTES.map((path): ProxiedRoute => ({ method: 'POST', path, auth: 'key', proxy: 'multipart' })),
    ...QUERY_MODEL_ROUTES.map((path): ProxiedRoute => ({ method: 'GET', path, auth: 'key', proxy: 'query' })),
    { method: 'ALL', path: '/upstream/*', auth: 'key', proxy: 'passthrough' },
  ];
}
