// Errors governance raises itself (the policy layer has its own for keys, limits and blocks);
// the pipeline's error mapper renders them.
import { SwapgateError } from '../shared/errors.js';

/** 400 before anything starts: response rules apply, but this route's answers cannot be read. */
export function uninspectableRouteError(message: string, route: string): SwapgateError {
  return new SwapgateError('bad_request', message, { status: 400, type: 'invalid_request_error', param: 'stream', details: { route } });
}

/** 502: the upstream's answer came, but it cannot be inspected (encoded, not JSON, too large). */
export function unreadableAnswerError(why: string): SwapgateError {
  return new SwapgateError('upstream_died', `response policies apply, but the upstream's answer cannot be inspected: ${why}`, {
    status: 502,
    type: 'upstream_error',
  });
}

/** 403: /upstream/<model>/… would bypass the policies that apply to the model. */
export function passthroughForbiddenError(modelId: string): SwapgateError {
  return new SwapgateError('forbidden', `policies apply to model "${modelId}" and /upstream/ bypasses them; use the /v1 endpoints (or an admin key)`, {
    status: 403,
    type: 'permission_error',
    details: { model: modelId },
  });
}
