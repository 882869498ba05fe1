// Activity: totals, requests in flight (Cancel), then every finished request, live, filterable by
// model, status and text, sortable, with all of a row's fields on click, and a JSON download.
import { useState } from 'preact/hooks';
import type { ActivityEntry } from '../api/types';
import { Banner, PageHeader, useNow } from '../components/common';
import { Modal } from '../components/modal';
import { downloadText, fileStamp } from '../lib/download';
import { DASH, formatCount, formatDateTime, formatMs, formatRate } from '../lib/format';
import { replaceParams, route } from '../router';
import { listOutcomes, matchesActivity, sortActivity, describeStatus, type Sort, type SortKey } from '../state/activity-view';
import { activity, activityError, inflight, models } from '../state/live-store';
import { ActivityTable } from './activity-table';
import { InflightTable } from './inflight-table';
import { StatsBar } from './stats-bar';

const PAGE_ROWS = 50;

function RowDetails(props: { row: ActivityEntry; onClose: () => void }) {
  const { row } = props;
  const t = row.tokens;
  const fields: [string, string][] = [
    ['Request id', row.request_id],
    ['Finished', formatDateTime(row.timestamp)],
    ['Model', row.model],
    ['Served by', row.src],
    ['Request', `${row.method} ${row.req_path}`],
    ['Status', describeStatus(row)],
    ['Content type', row.resp_content_type || DASH],
    ['Duration', formatMs(row.duration_ms)],
    ['Waited for load', formatMs(row.load_wait_ms)],
    ['First byte', formatMs(row.ttfb_ms)],
    ['First token', formatMs(row.ttft_ms)],
    ['Prompt tokens', formatCount(t.input_tokens)],
    ['Cached tokens', formatCount(t.cache_tokens)],
    ['Generated tokens', formatCount(t.output_tokens)],
    ['Prompt tok/s', formatRate(t.prompt_per_second)],
    ['Generation tok/s', formatRate(t.tokens_per_second)],
    ['API key', row.key_name ?? DASH],
  ];
  return (
    <Modal title={`Request ${row.id}`} onClose={props.onClose}>
      <dl class="details">
        {fields.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}

export function ActivityPage() {
  const params = route.value.params;
  const filters = { model: params.get('model') ?? '', status: params.get('status') ?? '', text: params.get('q') ?? '' };
  const setFilter = (name: 'model' | 'status' | 'q', value: string): void => replaceParams({ model: filters.model, status: filters.status, q: filters.text, [name]: value });
  const [sort, setSort] = useState<Sort>({ key: 'time', descending: true });
  const [limit, setLimit] = useState(PAGE_ROWS);
  const [open, setOpen] = useState<ActivityEntry | null>(null);
  const now = useNow(1000);
  const all = activity.value;
  const rows = sortActivity(all.filter((row) => matchesActivity(row, filters)), sort);
  const modelIds = [...new Set([...models.value.map((m) => m.id), ...all.map((r) => r.model)])].sort();
  const onSort = (key: SortKey): void => setSort(sort.key === key ? { key, descending: !sort.descending } : { key, descending: key !== 'model' && key !== 'status' });
  const requests = inflight.value.filter((r) => filters.model === '' || r.model === filters.model);
  return (
    <>
      <PageHeader title="Activity">
        <button type="button" disabled={rows.length === 0} onClick={() => downloadText(`swapgate-activity-${fileStamp()}.json`, JSON.stringify(rows, null, 2), 'application/json')}>
          Download JSON
        </button>
      </PageHeader>
      <StatsBar model={filters.model} />
      <InflightTable requests={requests} nowMs={now} />
      <section class="panel" aria-label="Finished requests">
        <h2>
          Finished <span class="count">{rows.length}</span>
        </h2>
        <div class="toolbar">
          <select aria-label="Model" value={filters.model} onChange={(e) => setFilter('model', e.currentTarget.value)}>
            <option value="">every model</option>
            {modelIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
          <select aria-label="Status" value={filters.status} onChange={(e) => setFilter('status', e.currentTarget.value)}>
            <option value="">every status</option>
            <option value="ok">ok</option>
            <option value="errors">not ok</option>
            {listOutcomes(all).map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
          <input type="search" aria-label="Search path, request id, key" placeholder="path, request id, key" value={filters.text} onInput={(e) => setFilter('q', e.currentTarget.value)} />
        </div>
        {activityError.value === '' ? null : <Banner>{activityError.value}</Banner>}
        {rows.length === 0 ? (
          <p class="muted">{all.length === 0 ? 'No model request has finished yet.' : 'No request matches the filters.'}</p>
        ) : (
          <ActivityTable rows={rows.slice(0, limit)} sort={sort} onSort={onSort} onOpen={setOpen} />
        )}
        {rows.length > limit ? (
          <button type="button" onClick={() => setLimit(limit + 4 * PAGE_ROWS)}>
            Show more ({rows.length - limit} left)
          </button>
        ) : null}
      </section>
      {open === null ? null : <RowDetails row={open} onClose={() => setOpen(null)} />}
    </>
  );
}
