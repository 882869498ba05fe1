// Logs: the proxy's records as readable lines, every upstream, or one model; ANSI colours; level
// filter, search, follow (pauses when scrolled up), wrap, clear and download.
import { Component } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Segments } from '../components/ansi-text';
import { Banner, PageHeader } from '../components/common';
import { downloadText, fileStamp } from '../lib/download';
import type { Level } from '../lib/log-line';
import { replaceParams, route } from '../router';
import { logs, models } from '../state/live-store';
import { compileSearch, filterLines, selectChannel, type ShownLine } from '../state/log-view';

const LEVEL_CHOICES: readonly [Level | '', string][] = [
  ['', 'every level'],
  ['info', 'info and above'],
  ['warn', 'warnings and errors'],
  ['error', 'errors'],
];

/** One line; a line never changes, so a new line re-renders only itself, not the 2,000 before it. */
class LogRow extends Component<{ line: ShownLine }> {
  override shouldComponentUpdate(next: { line: ShownLine }): boolean {
    return next.line !== this.props.line;
  }

  override render() {
    const { line } = this.props;
    return (
      <div class={`log-line${line.level === null ? '' : ` level-${line.level}`}`}>
        {line.time === '' ? null : <span class="log-time">{line.time} </span>}
        {line.level === null || line.time === '' ? null : <span class="log-level">{line.level.toUpperCase().padEnd(5)} </span>}
        <Segments segments={line.segments} />
        {line.moreSegments.map((more, i) => (
          <div key={i} class="log-more">
            <Segments segments={more} />
          </div>
        ))}
      </div>
    );
  }
}

export function LogsPage() {
  const channel = route.value.params.get('channel') ?? 'proxy';
  const [level, setLevel] = useState<Level | ''>('');
  const [search, setSearch] = useState('');
  const [follow, setFollow] = useState(true);
  const [wrap, setWrap] = useState(true);
  const [clearedSeq, setClearedSeq] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const matcher = compileSearch(search);
  const channelLines = selectChannel(logs.value, channel);
  const lines = filterLines(channelLines, level, matcher ?? (() => true), clearedSeq);
  const channels = ['proxy', 'upstream', ...models.value.filter((m) => m.peerID === '').map((m) => m.id)];
  useLayoutEffect(() => {
    const el = box.current;
    if (follow && el !== null) el.scrollTop = el.scrollHeight;
  });
  const onScroll = (): void => {
    const el = box.current;
    if (el === null) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (atEnd !== follow) setFollow(atEnd);
  };
  const download = (): void => downloadText(`swapgate-${channel.replace(/[^\w.-]/g, '_')}-${fileStamp()}.log`, `${lines.map((l) => l.plain).join('\n')}\n`);
  return (
    <>
      <PageHeader title="Logs">
        <button type="button" onClick={() => setClearedSeq(channelLines.at(-1)?.seq ?? clearedSeq)}>
          Clear
        </button>
        <button type="button" onClick={download} disabled={lines.length === 0}>
          Download
        </button>
      </PageHeader>
      <div class="toolbar">
        <select aria-label="Channel" value={channel} onChange={(e) => replaceParams({ channel: e.currentTarget.value })}>
          {channels.map((id) => (
            <option key={id} value={id}>
              {id === 'proxy' ? 'proxy (swapgate)' : id === 'upstream' ? 'every upstream' : id}
            </option>
          ))}
        </select>
        <select aria-label="Level" value={level} onChange={(e) => setLevel(e.currentTarget.value as Level | '')}>
          {LEVEL_CHOICES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <input type="search" aria-label="Search the log" placeholder="search, or /regex/" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        <label class="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} /> follow
        </label>
        <label class="check">
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.currentTarget.checked)} /> wrap
        </label>
      </div>
      {matcher === null ? <Banner kind="warn">The regular expression does not compile.</Banner> : null}
      <div ref={box} class={`log-view${wrap ? ' wrap' : ''}`} tabIndex={0} role="log" aria-label={`log of ${channel}`} onScroll={onScroll}>
        {lines.length === 0 ? <p class="muted">{channelLines.length === 0 ? 'No lines yet.' : 'No line matches.'}</p> : lines.map((line) => <LogRow key={line.seq} line={line} />)}
      </div>
      <p class="muted small">
        {lines.length} of {channelLines.length} lines{follow ? '' : ' · paused: scroll to the end or tick follow'}
      </p>
    </>
  );
}
