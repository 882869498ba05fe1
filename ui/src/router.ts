// Hash routing: "#/activity?model=alpha" → page "activity" with its params. The daemon serves one
// shell at /ui/, so a reload or a shared link lands on the same page without server routes.
import { signal } from '@preact/signals';

export const PAGES = ['models', 'activity', 'logs', 'playground', 'performance'] as const;
export type PageId = (typeof PAGES)[number];

export const PAGE_TITLES: Readonly<Record<PageId, string>> = {
  models: 'Models',
  activity: 'Activity',
  logs: 'Logs',
  playground: 'Playground',
  performance: 'Performance',
};

export interface Route {
  readonly page: PageId;
  readonly params: URLSearchParams;
}

const isPage = (name: string): name is PageId => (PAGES as readonly string[]).includes(name);

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const q = text.indexOf('?');
  const name = q < 0 ? text : text.slice(0, q);
  return { page: isPage(name) ? name : 'models', params: new URLSearchParams(q < 0 ? '' : text.slice(q + 1)) };
}

export function href(page: PageId, params: Readonly<Record<string, string>> = {}): string {
  const query = new URLSearchParams(params).toString();
  return `#/${page}${query === '' ? '' : `?${query}`}`;
}

export const route = signal<Route>(parseHash(globalThis.location?.hash ?? ''));

export function startRouter(): void {
  window.addEventListener('hashchange', () => {
    route.value = parseHash(location.hash);
  });
}

/** Changes the page's params in place (no new history entry: filters are not navigation). */
export function replaceParams(params: Readonly<Record<string, string>>): void {
  const kept = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== ''));
  history.replaceState(null, '', href(route.value.page, kept));
  route.value = parseHash(location.hash);
}
