// Requests in flight, newest first, each with Cancel (the daemon ends it as a client hang-up would).
import { useState } from 'preact/hooks';
import { describeError, post } from '../api/http';
import type { InflightEntry } from '../api/types';
import { Banner } from '../components/common';
import { DASH, formatBytes, formatDuration } from '../lib/format';

export function InflightTable(props: { requests: readonly InflightEntry[]; nowMs: number }) {
  const [error, setError] = useState('');
  const [cancelling, setCancelling] = useState<ReadonlySet<string>>(new Set());
  const cancel = async (id: string): Promise<void> => {
    setCancelling((s) => new Set(s).add(id));
    try {
      await post(`/api/inflight/${encodeURIComponent(id)}/cancel`);
      setError('');
    } catch (e) {
      setError(describeError(e));
    }
  };
  const rows = [...props.requests].reverse();
  return (
    <section class="panel" aria-label="Requests in flight">
      <h2>
        In flight <span class="count">{rows.length}</span>
      </h2>
      {error === '' ? null : <Banner>{error}</Banner>}
      {rows.length === 0 ? (
        <p class="muted">Nothing in flight.</p>
      ) : (
        <div class="table-box">
          <table class="cards-on-phone inflight-table">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Path</th>
                <th scope="col" class="num">Elapsed</th>
                <th scope="col" class="num">Sent</th>
                <th scope="col">Key</th>
                <th scope="col">Client</th>
                <th scope="col">
                  <span class="sr-only">Cancel</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-inflight={r.id}>
                  <td data-label="Model">{r.model}</td>
                  <td data-label="Path">{r.req_path}</td>
                  <td data-label="Elapsed" class="num">
                    {formatDuration(Math.max(r.elapsed_ms, props.nowMs - Date.parse(r.timestamp)))}
                  </td>
                  <td data-label="Sent" class="num">
                    {formatBytes(r.resp_bytes)}
                  </td>
                  <td data-label="Key">{r.key_name ?? DASH}</td>
                  <td data-label="Client">{r.remote_ip || DASH}</td>
                  <td data-label="">
                    <button type="button" class="danger" disabled={cancelling.has(r.id)} onClick={() => void cancel(r.id)}>
                      {cancelling.has(r.id) ? 'Cancelling…' : 'Cancel'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
