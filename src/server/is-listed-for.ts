// Which models a caller is shown (/v1/models): those its key could use, so a chat UI offers
// nothing that would answer 403.
import type { ApiKeyConfig } from '../config/types.js';
import { isModelAllowed } from '../policy/api-keys.js';

/**
 * Its id or one of its aliases is in the key's scope, exactly as for a request (an admin key
 * with `models` is scoped for inference too). No key (none configured) sees everything.
 */
export function isListedFor(key: ApiKeyConfig | null, modelId: string, aliases: readonly string[]): boolean {
  return key === null || isModelAllowed(key, modelId, aliases);
}

/** The web UI manages models: an admin key sees every model there, others what they may use. */
export function isManagedBy(key: ApiKeyConfig | null, modelId: string, aliases: readonly string[]): boolean {
  return key === null || key.admin || isModelAllowed(key, modelId, aliases);
}
