// The one place a route's declared auth is enforced: the exchange learns its route rule, and
// every non-public route asks the hooks who is calling (keys, admin rights, rate limits) before
// its handler runs. A wrapper rather than middleware: one call, no extra compose step.
import type { Handler } from 'hono';
import type { HookChain } from '../proxy/hook-chain.js';
import type { RouteRule } from '../proxy/hooks.js';
import type { AppEnv } from './app-env.js';
import type { RouteDecl } from './route-table.js';

export function withAuth(route: RouteDecl, hooks: HookChain): Handler<AppEnv> {
  const rule: RouteRule = Object.freeze({ auth: route.auth, admin: route.admin ?? null });
  const handle = route.handle;
  if (rule.auth === 'public') {
    return function publicRoute(c, next) {
      c.get('exchange').route = rule;
      return handle(c, next);
    };
  }
  return function guardedRoute(c, next) {
    const exchange = c.get('exchange');
    exchange.route = rule;
    const refusal = hooks.admitCaller(exchange);
    if (refusal !== null) throw refusal.error;
    return handle(c, next);
  };
}
