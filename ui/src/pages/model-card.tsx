// One model on the Models page: state, facts (pid, port, uptime, load time, TTL, requests, speed),
// Load / Unload, its last failure once (log tail folded), and on demand its recent output.
import { useState } from 'preact/hooks';
import type { ActivityEntry, UiFailure } from '../api/types';
import { LogTail } from '../components/ansi-text';
import { Fact, StateBadge } from '../components/common';
import { formatDuration, formatMs, formatRate, formatDateTime } from '../lib/format';
import { href } from '../router';
import { busy, notes, runModelAction } from '../state/model-actions';
import { getTtlLeftMs, type ModelView } from '../state/model-view';

export interface ModelCardProps {
  readonly view: ModelView;
  /** The daemon's clock now. */
  readonly nowMs: number;
  readonly lastRequest: ActivityEntry | null;
  /** The model's latest output lines (from the live upstream log). */
  readonly recentLines: () => readonly string[];
}

function FailureNote(props: { failure: UiFailure }) {
  const { failure } = props;
  return (
    <div class="failure">
      <p>
        <strong>Failed {formatDateTime(failure.atMs)}:</strong> {failure.message}
      </p>
      {failure.logTail.length === 0 ? null : (
        <details>
          <summary>Its last {failure.logTail.length} log lines</summary>
          <LogTail lines={failure.logTail} label="log tail of the failure" />
        </details>
      )}
    </div>
  );
}

function Facts(props: ModelCardProps) {
  const { view, nowMs, lastRequest } = props;
  const d = view.detail;
  if (view.peer !== null) return <div class="facts"><Fact label="served by">{view.peer}</Fact></div>;
  if (d === null) return null;
  const ttlLeft = getTtlLeftMs(d, nowMs);
  const up = d.state === 'ready' && d.readyAtMs !== null ? nowMs - d.readyAtMs : null;
  const starting = d.state === 'starting' && d.startingAtMs !== null ? nowMs - d.startingAtMs : null;
  const ttl = d.ttlMs <= 0 ? 'none' : ttlLeft !== null ? `${formatDuration(ttlLeft)} left` : d.state === 'ready' && d.inFlight > 0 ? 'paused (busy)' : formatDuration(d.ttlMs);
  return (
    <div class="facts">
      {d.pid === null ? null : <Fact label="pid">{d.pid}</Fact>}
      {d.port === null ? null : <Fact label="port">{d.port}</Fact>}
      {up === null ? null : <Fact label="up">{formatDuration(up)}</Fact>}
      {starting === null ? null : <Fact label="starting for">{formatDuration(starting)}</Fact>}
      {d.lastStartMs === null ? null : (
        <Fact label="ready in" title="how long its last start took">
          {formatMs(d.lastStartMs)}
        </Fact>
      )}
      <Fact label="TTL" title="unloaded after this long without requests">{ttl}</Fact>
      <Fact label="requests">
        {d.inFlight} in flight{d.queued > 0 ? `, ${d.queued} queued` : ''}
      </Fact>
      {lastRequest?.tokens.tokens_per_second === undefined ? null : <Fact label="last">{formatRate(lastRequest.tokens.tokens_per_second)} tok/s</Fact>}
    </div>
  );
}

function Actions(props: { view: ModelView }) {
  const { view } = props;
  const pending = busy.value.get(view.id);
  const { state } = view;
  return (
    <div class="model-actions">
      <button type="button" data-action="load" disabled={pending !== undefined || state === 'ready' || state === 'starting' || state === 'stopping'} onClick={() => void runModelAction(view.id, 'load')}>
        {pending === 'load' ? 'Loading…' : 'Load'}
      </button>
      <button type="button" data-action="unload" disabled={pending === 'unload' || state === 'stopped' || state === 'failed'} onClick={() => void runModelAction(view.id, 'unload')}>
        {pending === 'unload' ? 'Unloading…' : 'Unload'}
      </button>
    </div>
  );
}

export function ModelCard(props: ModelCardProps) {
  const { view } = props;
  const [open, setOpen] = useState(false);
  const note = notes.value.get(view.id);
  const failure = view.state === 'failed' ? (view.detail?.lastFailure ?? null) : null;
  const moreId = `more-${view.id.replace(/[^\w-]/g, '_')}`;
  const lines = open ? props.recentLines() : [];
  return (
    <article class="model-card" data-model={view.id} data-state={view.state}>
      <div class="model-head">
        <StateBadge state={view.state} />
        <h3 class="model-title">
          <span class="model-id">{view.id}</span>
          {view.name === null ? null : <span class="muted"> {view.name}</span>}
          {view.unlisted ? <span class="tag">unlisted</span> : null}
        </h3>
        {view.peer === null ? <Actions view={view} /> : null}
        <button type="button" class="link-button" aria-expanded={open} aria-controls={moreId} onClick={() => setOpen(!open)}>
          {open ? 'Less' : 'More'}
        </button>
      </div>
      {view.aliases.length === 0 ? null : <p class="aliases muted">aliases: {view.aliases.join(', ')}</p>}
      <Facts {...props} />
      {failure === null ? null : <FailureNote failure={failure} />}
      {note === undefined ? null : (
        <p class="note" role="alert">
          {note}
        </p>
      )}
      {!open ? null : (
        <div class="model-more" id={moreId}>
          {view.description === null ? null : <p>{view.description}</p>}
          <p>
            <a href={href('logs', { channel: view.id })}>Its log</a> · <a href={href('activity', { model: view.id })}>Its requests</a> ·{' '}
            <a href={href('playground', { model: view.id })}>Try it</a>
          </p>
          {view.peer === null ? lines.length === 0 ? <p class="muted">No output since this page connected.</p> : <LogTail lines={lines} label={`recent output of ${view.id}`} /> : null}
        </div>
      )}
    </article>
  );
}
