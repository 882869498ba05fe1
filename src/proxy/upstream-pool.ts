// One keep-alive agent per upstream base URL, parsed once, so forwarding a request is a single
// http.request() on a warm socket.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface UpstreamEndpoint {
  readonly baseUrl: string;
  /** fresh: a new connection outside the pool (a retry after a stale pooled socket). */
  request(path: string, method: string, headers: OutgoingHttpHeaders, fresh?: boolean): ClientRequest;
}

/** Agents for upstreams that went away are dropped past this many (only when idle). */
const MAX_IDLE_ENDPOINTS = 64;

export class UpstreamPool {
  private readonly endpoints = new Map<string, { endpoint: UpstreamEndpoint; agent: HttpAgent }>();

  get(baseUrl: string): UpstreamEndpoint {
    const known = this.endpoints.get(baseUrl);
    if (known) return known.endpoint;
    this.evictIdle();
    const created = createEndpoint(baseUrl);
    this.endpoints.set(baseUrl, created);
    return created.endpoint;
  }

  /** Closes one upstream's idle keep-alive sockets: a server being stopped waits for them. */
  drop(baseUrl: string): void {
    const known = this.endpoints.get(baseUrl);
    if (known === undefined) return;
    known.agent.destroy();
    this.endpoints.delete(baseUrl);
  }

  destroy(): void {
    for (const { agent } of this.endpoints.values()) agent.destroy();
    this.endpoints.clear();
  }

  private evictIdle(): void {
    if (this.endpoints.size < MAX_IDLE_ENDPOINTS) return;
    for (const [url, { agent }] of this.endpoints) {
      if (Object.keys(agent.sockets).length > 0 || Object.keys(agent.requests).length > 0) continue;
      agent.destroy();
      this.endpoints.delete(url);
      if (this.endpoints.size < MAX_IDLE_ENDPOINTS) return;
    }
  }
}

function createEndpoint(baseUrl: string): { endpoint: UpstreamEndpoint; agent: HttpAgent } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new TypeError(`upstream base URL "${baseUrl}" is not a valid URL`, { cause });
  }
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') throw new TypeError(`upstream base URL "${baseUrl}": expected http or https`);
  const agentOptions = { keepAlive: true, scheduling: 'lifo' as const, maxFreeSockets: 256, noDelay: true };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const send = secure ? httpsRequest : httpRequest;
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const basePath = url.pathname.replace(/\/+$/, '');
  const auth = url.username === '' ? undefined : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const endpoint: UpstreamEndpoint = {
    baseUrl,
    request(path, method, headers, fresh = false) {
      return send({ agent: fresh ? false : agent, hostname, port, method, path: basePath + path, headers, auth });
    },
  };
  return { endpoint, agent };
}
