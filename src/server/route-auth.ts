// The one place a route's declared auth is enforced: the exchange learns its route rule, and
// every non-public route asks the hooks who is calling (keys, admin rights, rate limits) before
// anything else runs.
import type { Exchange } from '../proxy/exchange.js';
import type { HookChain } from '../proxy/hook-chain.js';
import type { Decision, RouteRule } from '../proxy/hooks.js';
import type { RouteDecl } from './route-table.js';

export function getRouteRule(route: RouteDecl): RouteRule {
  return Object.freeze({ auth: route.auth, admin: 'admin' in route ? (route.admin ?? null) : null });
}

/** null when the caller may go on; else the refusal to answer with. */
export function admitRoute(exchange: Exchange, rule: RouteRule, hooks: HookChain): Extract<Decision, { kind: 'refuse' }> | null {
  exchange.route = rule;
  return rule.auth === 'public' ? null : hooks.admitCaller(exchange);
}
