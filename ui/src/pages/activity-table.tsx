// The finished requests as a sortable table (cards on a phone: each cell carries its label).
import type { ComponentChildren } from 'preact';
import type { ActivityEntry } from '../api/types';
import { DASH, formatClock, formatCount, formatMs, formatRate } from '../lib/format';
import { describeStatus, isOk, type Sort, type SortKey } from '../state/activity-view';

interface Column {
  readonly label: string;
  readonly sort?: SortKey;
  readonly numeric?: boolean;
  readonly cell: (row: ActivityEntry) => ComponentChildren;
}

export const ACTIVITY_COLUMNS: readonly Column[] = [
  { label: 'Time', sort: 'time', cell: (r) => formatClock(r.timestamp) },
  { label: 'Model', sort: 'model', cell: (r) => r.model },
  { label: 'Path', cell: (r) => r.req_path },
  { label: 'Status', sort: 'status', cell: (r) => <span class={isOk(r) ? 'ok' : 'bad'}>{describeStatus(r)}</span> },
  { label: 'Duration', sort: 'duration', numeric: true, cell: (r) => formatMs(r.duration_ms) },
  { label: 'Load wait', sort: 'load_wait', numeric: true, cell: (r) => formatMs(r.load_wait_ms) },
  { label: 'TTFT', sort: 'ttft', numeric: true, cell: (r) => formatMs(r.ttft_ms) },
  { label: 'Prompt', sort: 'prompt', numeric: true, cell: (r) => formatCount(r.tokens.input_tokens) },
  { label: 'Cached', sort: 'cached', numeric: true, cell: (r) => formatCount(r.tokens.cache_tokens) },
  { label: 'Generated', sort: 'generated', numeric: true, cell: (r) => formatCount(r.tokens.output_tokens) },
  { label: 'Prompt tok/s', sort: 'prompt_speed', numeric: true, cell: (r) => formatRate(r.tokens.prompt_per_second) },
  { label: 'Gen tok/s', sort: 'gen_speed', numeric: true, cell: (r) => formatRate(r.tokens.tokens_per_second) },
  { label: 'Key', cell: (r) => r.key_name ?? DASH },
  { label: 'Request id', cell: (r) => <span class="mono">{r.request_id}</span> },
];

export interface ActivityTableProps {
  readonly rows: readonly ActivityEntry[];
  readonly sort: Sort;
  readonly onSort: (key: SortKey) => void;
  readonly onOpen: (row: ActivityEntry) => void;
}

export function ActivityTable(props: ActivityTableProps) {
  const { rows, sort } = props;
  return (
    <div class="table-box">
      <table class="cards-on-phone activity-table">
        <thead>
          <tr>
            {ACTIVITY_COLUMNS.map((column) => {
              const active = column.sort !== undefined && column.sort === sort.key;
              const ariaSort = active ? (sort.descending ? 'descending' : 'ascending') : undefined;
              const key = column.sort;
              return (
                <th key={column.label} class={column.numeric === true ? 'num' : undefined} aria-sort={ariaSort} scope="col">
                  {key === undefined ? (
                    column.label
                  ) : (
                    <button type="button" class="sort" onClick={() => props.onSort(key)}>
                      {column.label}
                      {active ? (sort.descending ? ' ↓' : ' ↑') : ''}
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-id={row.id} class="clickable" onClick={() => props.onOpen(row)}>
              {ACTIVITY_COLUMNS.map((column, i) => (
                <td key={column.label} data-label={column.label} class={column.numeric === true ? 'num' : undefined}>
                  {i === 0 ? (
                    <button type="button" class="link-button" aria-label={`Details of request ${row.request_id}`} onClick={(e) => {
                        e.stopPropagation();
                        props.onOpen(row);
                      }}>
                      {column.cell(row)}
                    </button>
                  ) : (
                    column.cell(row)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
