// The model a request targets, as policies and key scopes name it (id, aliases, route).
import type { ModelContext } from '../policy/types.js';
import type { Target } from '../proxy/hooks.js';

export function getModelContext(target: Target, route: string): ModelContext {
  if (target.kind === 'local') return { modelId: target.model.id, aliases: target.model.aliases, route };
  return { modelId: target.label, aliases: target.requested === target.label ? [] : [target.requested], route };
}
