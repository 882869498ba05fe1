// The supervisor's own lifecycle: open for requests, draining them for shutdown, stopping
// processes, closed. Only forward moves are legal.
export type SupervisorPhase = 'open' | 'draining' | 'stopping' | 'closed';

export const SUPERVISOR_TRANSITIONS: Readonly<Record<SupervisorPhase, readonly SupervisorPhase[]>> = {
  open: ['draining'],
  draining: ['stopping'],
  stopping: ['closed'],
  closed: [],
};

export function assertPhaseTransition(from: SupervisorPhase, to: SupervisorPhase): void {
  if (!SUPERVISOR_TRANSITIONS[from].includes(to)) {
    throw new Error(`supervisor: illegal phase transition ${from} → ${to}`);
  }
}
