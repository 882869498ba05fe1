// The hono environment: every request is served by node (one I/O path), and the first middleware
// opens the request's Exchange.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { Exchange } from '../proxy/exchange.js';

export interface NodeBindings {
  readonly incoming: IncomingMessage;
  readonly outgoing: ServerResponse;
}

export interface AppEnv {
  Bindings: NodeBindings;
  Variables: { exchange: Exchange };
}

export type AppContext = Context<AppEnv>;
