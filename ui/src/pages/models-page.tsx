// Models: every model (listed, unlisted, peers') by group, live state and facts, Load / Unload /
// Unload all, and a filter.
import { useState } from 'preact/hooks';
import { connection } from '../api/event-stream';
import type { ActivityEntry } from '../api/types';
import { Banner, PageHeader, useNow } from '../components/common';
import { route } from '../router';
import { activity, inflight, logs, models } from '../state/live-store';
import { unloadAll, unloadAllState } from '../state/model-actions';
import { clockOffsetMs, details, detailsError, useModelDetails } from '../state/model-details';
import { buildModelViews, groupModels, isRunning, matchesFilter } from '../state/model-view';
import { ModelCard } from './model-card';

function latestByModel(rows: readonly ActivityEntry[]): Map<string, ActivityEntry> {
  const latest = new Map<string, ActivityEntry>();
  for (const row of rows) if (!latest.has(row.model)) latest.set(row.model, row);
  return latest;
}

function recentLinesOf(id: string): () => readonly string[] {
  const prefix = `[${id}] `;
  return () =>
    logs.value.upstream
      .filter((line) => line.text.startsWith(prefix))
      .slice(-30)
      .map((line) => line.text.slice(prefix.length));
}

export function ModelsPage() {
  useModelDetails();
  const now = useNow(1000);
  const [filter, setFilter] = useState(route.value.params.get('q') ?? '');
  const [runningOnly, setRunningOnly] = useState(false);
  const views = buildModelViews(models.value, details.value, inflight.value);
  const runningCount = views.filter(isRunning).length;
  const shown = views.filter((v) => matchesFilter(v, filter) && (!runningOnly || isRunning(v)));
  const sections = groupModels(shown, details.value?.groups ?? []);
  const latest = latestByModel(activity.value);
  const daemonNow = now + clockOffsetMs.value;
  const { running: unloading, error: unloadError } = unloadAllState.value;
  return (
    <>
      <PageHeader title="Models">
        <span class="muted" data-testid="running-count">
          {runningCount} running
        </span>
        <button type="button" onClick={() => void unloadAll()} disabled={runningCount === 0 || unloading}>
          {unloading ? 'Unloading all…' : 'Unload all'}
        </button>
      </PageHeader>
      <div class="toolbar">
        <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} placeholder="Filter: id, name, alias, group" aria-label="Filter models" />
        <label class="check">
          <input type="checkbox" checked={runningOnly} onChange={(e) => setRunningOnly(e.currentTarget.checked)} /> running only
        </label>
      </div>
      {unloadError === '' ? null : <Banner>{unloadError}</Banner>}
      {detailsError.value === '' || connection.value.status === 'refused' ? null : <Banner kind="warn">Model details unavailable: {detailsError.value}</Banner>}
      {views.length === 0 ? <p class="empty">No models yet: waiting for the daemon.</p> : null}
      {views.length > 0 && shown.length === 0 ? <p class="empty">No model matches the filter.</p> : null}
      {sections.map((section) => (
        <section class="model-group" key={section.key} aria-label={section.title}>
          <h2>
            {section.title} {section.notes.length === 0 ? null : <span class="muted small">({section.notes.join(', ')})</span>}
          </h2>
          {section.models.map((view) => (
            <ModelCard key={view.id} view={view} nowMs={daemonNow} lastRequest={latest.get(view.id) ?? null} recentLines={recentLinesOf(view.id)} />
          ))}
        </section>
      ))}
    </>
  );
}
