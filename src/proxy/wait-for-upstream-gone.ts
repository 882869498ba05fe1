// After a "ready" upstream refused a request unread (connection refused or reset, see
// isUnreadByUpstream): waits (briefly) for the supervisor to notice the process is gone, so the
// request can be sent to a fresh start. The upstream never read it, so sending it again is safe.
import type { StateChange } from '../process/types.js';
import type { Supervisor } from '../supervisor/types.js';


/** True once the model is no longer ready at baseUrl; false on timeout or when the client left. */
export function waitForUpstreamGone(
  supervisor: Supervisor,
  modelId: string,
  baseUrl: string,
  client: { readonly isGone: boolean },
  timeoutMs: number,
): Promise<boolean> {
  const isGone = (): boolean => {
    const status = supervisor.status(modelId);
    return status.state !== 'ready' || status.baseUrl !== baseUrl;
  };
  if (isGone()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (gone: boolean): void => {
      clearTimeout(timer);
      clearInterval(clientCheck);
      supervisor.off('state', onState);
      resolve(gone);
    };
    const onState = (change: StateChange): void => {
      if (change.modelId === modelId && isGone()) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    // Polled: the client-gone hook already belongs to the forwarder; this wait is short anyway.
    const clientCheck = setInterval(() => client.isGone && finish(false), 50);
    supervisor.on('state', onState);
  });
}
