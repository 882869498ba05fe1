// The proxied routes straight from node:http to the pipeline, without the web Request/Response
// adaptation hono needs: the exact paths in a map by method, /upstream/ by prefix. Everything
// else goes on to hono (which serves the proxied routes too, e.g. for HEAD).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeError } from '../proxy/error-mapper.js';
import type { RouteRule } from '../proxy/hooks.js';
import type { BodyReader, Pipeline } from '../proxy/pipeline.js';
import type { OpenExchange } from './open-exchange.js';
import { admitRoute, getRouteRule } from './route-auth.js';
import type { ProxiedRoute } from './route-table.js';

interface Entry {
  readonly rule: RouteRule;
  readonly reader: BodyReader;
}

export type ServeDirect = (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;

export function createDirectRoutes(routes: readonly ProxiedRoute[], open: OpenExchange, pipeline: Pipeline): ServeDirect {
  const exact = new Map<string, Map<string, Entry>>();
  const prefixes: { prefix: string; entry: Entry }[] = [];
  for (const route of routes) {
    const entry: Entry = { rule: getRouteRule(route), reader: route.proxy };
    if (route.path.endsWith('/*')) {
      if (route.method !== 'ALL') throw new TypeError(`${route.path}: a prefix route serves every method`);
      prefixes.push({ prefix: route.path.slice(0, -1), entry });
      continue;
    }
    const methods = route.method === 'ALL' ? ['GET', 'POST'] : [route.method];
    for (const method of methods) {
      const paths = exact.get(method) ?? new Map<string, Entry>();
      paths.set(route.path, entry);
      exact.set(method, paths);
    }
  }
  const { hooks } = pipeline;

  return function serveDirect(incoming, outgoing) {
    const url = incoming.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    let entry = exact.get(incoming.method ?? '')?.get(path);
    entry ??= prefixes.find((p) => path.startsWith(p.prefix))?.entry;
    if (entry === undefined) return false;
    const exchange = open(incoming, outgoing, path);
    const refusal = admitRoute(exchange, entry.rule, hooks);
    if (refusal !== null) writeError(exchange, refusal.error);
    else void pipeline.run(entry.reader, exchange);
    return true;
  };
}
