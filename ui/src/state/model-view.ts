// The Models page's rows: the live list (/api/events "modelStatus": fresh state) joined with the
// details (/ui/api/models: pid, port, group, TTL, failure), grouped as the config groups them.
import type { ApiModel, InflightEntry, UiGroup, UiModelDetail, UiModelsResponse } from '../api/types';

export interface ModelView {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly aliases: readonly string[];
  readonly unlisted: boolean;
  readonly peer: string | null;
  readonly groupId: string | null;
  /** The process state, "failed" (stopped after a failed start or a crash), or "peer". */
  readonly state: string;
  readonly detail: UiModelDetail | null;
  /** Requests in flight or queued for it, as /api/events counts them. */
  readonly requests: number;
}

export interface ModelSection {
  readonly key: string;
  readonly title: string;
  /** "swap: one at a time", "exclusive", … */
  readonly notes: readonly string[];
  readonly models: readonly ModelView[];
}

export function getDisplayState(state: string, detail: UiModelDetail | null, peer: string | null): string {
  if (peer !== null) return 'peer';
  if (state === 'stopped' && detail?.lastFailure != null) return 'failed';
  return state === '' ? 'stopped' : state;
}

const orNull = (text: string | null | undefined): string | null => (text === undefined || text === null || text === '' ? null : text);

export function buildModelViews(live: readonly ApiModel[], details: UiModelsResponse | null, inflight: readonly InflightEntry[]): ModelView[] {
  const detailOf = new Map((details?.models ?? []).map((d) => [d.id, d]));
  const requests = new Map<string, number>();
  for (const r of inflight) requests.set(r.model, (requests.get(r.model) ?? 0) + 1);
  const ids = new Set([...live.map((m) => m.id), ...detailOf.keys()]);
  const liveOf = new Map(live.map((m) => [m.id, m]));
  return [...ids].sort().map((id) => {
    const m = liveOf.get(id);
    const d = detailOf.get(id) ?? null;
    const peer = orNull(m?.peerID) ?? d?.peer ?? null;
    const state = m?.state ?? d?.state ?? 'stopped';
    return {
      id,
      name: orNull(m?.name) ?? d?.name ?? null,
      description: orNull(m?.description) ?? d?.description ?? null,
      aliases: m?.aliases ?? d?.aliases ?? [],
      unlisted: m?.unlisted ?? d?.unlisted ?? false,
      peer,
      groupId: d?.groupId ?? null,
      state: getDisplayState(state, d, peer),
      detail: d,
      requests: requests.get(id) ?? 0,
    };
  });
}

export function matchesFilter(view: ModelView, filter: string): boolean {
  const text = filter.trim().toLowerCase();
  if (text === '') return true;
  return [view.id, view.name ?? '', view.description ?? '', view.groupId ?? '', view.peer ?? '', ...view.aliases].some((s) => s.toLowerCase().includes(text));
}

export function isRunning(view: ModelView): boolean {
  return view.state === 'ready' || view.state === 'starting' || view.state === 'stopping';
}

function describeGroup(group: UiGroup): string[] {
  const notes: string[] = [];
  if (group.swap) notes.push('swap: one at a time');
  if (group.exclusive) notes.push('exclusive: stops other groups');
  if (group.persistent) notes.push('persistent');
  return notes;
}

/** Sections in config order: each group, models without details yet, then each peer. */
export function groupModels(views: readonly ModelView[], groups: readonly UiGroup[]): ModelSection[] {
  const sections: ModelSection[] = [];
  for (const group of groups) {
    const models = views.filter((v) => v.peer === null && v.groupId === group.id);
    const title = group.implicit ? 'Not in a group' : `Group ${group.id}`;
    if (models.length > 0) sections.push({ key: `group:${group.id}`, title, notes: describeGroup(group), models });
  }
  const known = new Set(groups.map((g) => g.id));
  const other = views.filter((v) => v.peer === null && (v.groupId === null || !known.has(v.groupId)));
  if (other.length > 0) sections.push({ key: 'other', title: 'Models', notes: [], models: other });
  const peers = [...new Set(views.flatMap((v) => (v.peer === null ? [] : [v.peer])))].sort();
  for (const peer of peers) sections.push({ key: `peer:${peer}`, title: `Peer ${peer}`, notes: ['served by another swapgate or llama-swap'], models: views.filter((v) => v.peer === peer) });
  return sections;
}

/** Milliseconds until the TTL unloads it; null when no TTL runs (none set, busy, not ready, unknown). */
export function getTtlLeftMs(detail: UiModelDetail | null, daemonNowMs: number): number | null {
  if (detail === null || detail.ttlMs <= 0 || detail.state !== 'ready' || detail.inFlight > 0 || detail.idleSinceMs === null) return null;
  return Math.max(0, detail.idleSinceMs + detail.ttlMs - daemonNowMs);
}
