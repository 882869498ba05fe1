// Which models a caller is shown (/v1/models): those its key could use, so a chat UI offers
// nothing that would answer 403.
import type { ApiKeyConfig } from '../config/types.js';
import { isModelAllowed } from '../policy/api-keys.js';

/**
 * Its id or one of its aliases is in the key's scope (as for a request). An admin key, and no
 * key at all (none configured), see everything.
 */
export function isListedFor(key: ApiKeyConfig | null, modelId: string, aliases: readonly string[]): boolean {
  return key === null || key.admin || isModelAllowed(key, modelId, aliases);
}
