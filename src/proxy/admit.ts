// Model admission as the body readers use it: the hooks pass (maybe rewriting the body and
// asking to see the response), answer from the cache, or refuse — a policy refusal is on
// record (its audit on disk) before the client hears about it.
import type { Exchange } from './exchange.js';
import { renderError, sendError } from './error-mapper.js';
import type { ModelAdmission } from './hook-chain.js';
import type { BodyKind, JsonObject, StoredResponse } from './hooks.js';
import type { Target } from './model-resolver.js';
import type { PipelineContext } from './pipeline-context.js';

export type Admitted = Extract<ModelAdmission, { kind: 'pass' }>;

/** null when the request was answered (from the cache, or a flushed refusal); throws any other refusal. */
export async function admitModel(
  ctx: PipelineContext,
  exchange: Exchange,
  target: Target,
  kind: BodyKind,
  body: JsonObject | null,
): Promise<Admitted | null> {
  const admission = ctx.hooks.admitModel(exchange, target, kind, body);
  if (admission.kind === 'pass') return admission;
  if (admission.kind === 'answer') {
    writeStored(exchange, admission.response);
    return null;
  }
  if (admission.flush !== true) throw admission.error;
  // On record (its audit on disk) before the client hears about it.
  const rendered = renderError(admission.error);
  await exchange.finishNow(rendered.status, rendered.bytes);
  sendError(exchange, rendered);
  return null;
}

function writeStored(exchange: Exchange, response: StoredResponse): void {
  exchange.writeHead(response.status, { ...response.headers, 'content-length': response.body.length });
  exchange.complete(response.body);
}
