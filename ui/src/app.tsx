// The shell: skip link, top bar (menu on phones, connection state, theme, key), the page list
// (a sidebar, or a drawer under 768 px), and the current page. Performance loads with uPlot, on demand.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiKey, getJson } from './api/http';
import { connection } from './api/event-stream';
import { Banner } from './components/common';
import { KeyDialog } from './components/key-dialog';
import { ActivityPage } from './pages/activity-page';
import { LogsPage } from './pages/logs-page';
import { ModelsPage } from './pages/models-page';
import { PlaygroundPage } from './pages/playground-page';
import { href, PAGE_TITLES, PAGES, route, type PageId } from './router';
import { stream } from './state/live-store';
import { cycleTheme, theme } from './theme';

const THEME_LABELS = { system: '◐ auto', light: '☀ light', dark: '☾ dark' } as const;
const CONNECTION_LABELS = { connecting: 'connecting', open: 'live', retrying: 'offline', refused: 'refused' } as const;

function LazyPerformance() {
  const [Page, setPage] = useState<ComponentType | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    import('./pages/performance-page').then(
      (module) => setPage(() => module.PerformancePage),
      (e: unknown) => setError(`The Performance page did not load: ${String(e)}`),
    );
  }, []);
  if (error !== '') return <Banner>{error}</Banner>;
  return Page === null ? <p class="muted">Loading…</p> : <Page />;
}

/** The skip link moves focus without changing the hash (which is the router's). */
function focusMain(event: Event): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

const PAGE_VIEWS: Readonly<Record<PageId, ComponentType>> = {
  models: ModelsPage,
  activity: ActivityPage,
  logs: LogsPage,
  playground: PlaygroundPage,
  performance: LazyPerformance,
};

/** "swapgate 0.1.0 · 1a2b3c4" under the page list, from GET /api/version (any key). */
function Version() {
  const [text, setText] = useState('');
  const key = apiKey.value;
  useEffect(() => {
    getJson<{ version: string; commit: string }>('/api/version').then(
      (v) => setText(`swapgate ${v.version}${v.commit === 'unknown' ? '' : ` · ${v.commit.slice(0, 7)}`}`),
      () => setText(''), // no key yet, or an older daemon: the version is a nicety
    );
  }, [key]);
  return text === '' ? null : <p class="version muted small">{text}</p>;
}

function ConnectionState() {
  const { status, detail } = connection.value;
  return (
    <span class={`conn conn-${status}`} role="status" title={detail || 'connected to /api/events'}>
      <span class="dot" aria-hidden="true" /> {CONNECTION_LABELS[status]}
    </span>
  );
}

function AuthBanner(props: { onKey: () => void }) {
  const { status, detail, httpStatus } = connection.value;
  if (status === 'retrying') return <Banner kind="warn">{detail}</Banner>;
  if (status !== 'refused') return null;
  // detail says what the daemon answered ("… (HTTP 401: missing API key …)"); a 403 needs the why.
  const text = httpStatus === 403 ? `This key is not an admin key: Models, Activity, Logs and Performance need one; the Playground works with it. ${detail.slice(detail.indexOf('(HTTP'))}` : detail;
  return (
    <p class="banner banner-error" role="alert">
      {text}{' '}
      <button type="button" onClick={props.onKey}>
        {apiKey.value === '' ? 'Enter a key' : 'Use another key'}
      </button>
    </p>
  );
}

export function App() {
  const page = route.value.page;
  const View = PAGE_VIEWS[page];
  const [navOpen, setNavOpen] = useState(false);
  const [keyOpen, setKeyOpen] = useState(false);
  const conn = connection.value;
  useEffect(() => {
    if (conn.status === 'refused' && conn.httpStatus === 401) setKeyOpen(true);
  }, [conn]);
  useEffect(() => {
    document.title = `${PAGE_TITLES[page]} · swapgate${conn.status === 'open' ? '' : ` (${CONNECTION_LABELS[conn.status]})`}`;
  }, [page, conn.status]);
  useEffect(() => {
    if (!navOpen) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setNavOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navOpen]);
  const onKeyDone = (changed: boolean): void => {
    setKeyOpen(false);
    if (changed) stream.restart();
  };
  return (
    <>
      <a class="skip" href="#main" onClick={focusMain}>
        Skip to content
      </a>
      <header class="topbar">
        <button type="button" class="menu" aria-expanded={navOpen} aria-controls="nav" onClick={() => setNavOpen(!navOpen)}>
          Menu
        </button>
        <span class="brand">swapgate</span>
        <ConnectionState />
        <span class="spacer" />
        <button type="button" class="link-button" onClick={cycleTheme} aria-label={`Theme: ${theme.value}. Change it`} title="Follows the system until you pick one">
          {THEME_LABELS[theme.value]}
        </button>
        <button type="button" class="link-button" onClick={() => setKeyOpen(true)} aria-label={apiKey.value === '' ? 'Enter an API key' : 'Change or forget the API key'}>
          {apiKey.value === '' ? 'Key' : 'Key ✓'}
        </button>
      </header>
      <div class="layout">
        <nav id="nav" class={navOpen ? 'nav open' : 'nav'} aria-label="Pages">
          {PAGES.map((id) => (
            <a key={id} href={href(id)} aria-current={id === page ? 'page' : undefined} onClick={() => setNavOpen(false)}>
              {PAGE_TITLES[id]}
            </a>
          ))}
          <Version />
        </nav>
        <main id="main" tabIndex={-1} data-page={page}>
          <AuthBanner onKey={() => setKeyOpen(true)} />
          <View />
        </main>
      </div>
      {keyOpen ? <KeyDialog reason={conn.status === 'refused' ? conn.detail : ''} onDone={onKeyDone} /> : null}
    </>
  );
}
