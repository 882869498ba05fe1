// Who is calling: a valid key when keys are configured (401), an admin key for the routes
// declared admin when any key is an admin key (403), and a key's model scope (403).
import { createAdminForbiddenError, createModelForbiddenError, createUnauthorizedError, extractPresentedKey, isModelAllowed, type Keyring } from '../policy/api-keys.js';
import { PASS, type Decision, type PipelineHook } from '../proxy/hooks.js';
import { getModelContext } from './model-context.js';

export function createApiKeyHook(keyring: Keyring, scoped: boolean): PipelineHook | null {
  if (!keyring.enabled) return null;
  return {
    name: 'api-key',
    admitCaller({ facts, route }): Decision {
      const { headers } = facts;
      const presented = extractPresentedKey({ authorization: first(headers.authorization), 'x-api-key': first(headers['x-api-key']) });
      const key = keyring.find(presented);
      if (key === null) return { kind: 'refuse', error: createUnauthorizedError(presented !== null) };
      if (route.auth === 'admin' && keyring.adminRequired && !key.admin) return { kind: 'refuse', error: createAdminForbiddenError(key), caller: key };
      return { kind: 'pass', caller: key };
    },
    ...(scoped
      ? {
          admitModel({ caller, target, facts }): Decision {
            if (caller === null) return PASS;
            const model = getModelContext(target, facts.path);
            if (isModelAllowed(caller, model.modelId, model.aliases)) return PASS;
            return { kind: 'refuse', error: createModelForbiddenError(caller, model.modelId) };
          },
        }
      : {}),
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
