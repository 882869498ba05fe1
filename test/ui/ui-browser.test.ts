// The web UI in a real Chromium against the real daemon (dist/main.js, dist/ui) running fake
// upstreams: what a user sees on each page, live, at phone and desktop width, with and without keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { stopAllDaemons, type Daemon } from '../helpers/daemon.js';
import { postChat, waitForPidsGone, waitForReady } from '../e2e/e2e-fixtures.js';
import { findOverflow, getModelCard, gotoPage, launchChromium, openPage, saveScreenshot, VIEWPORTS, waitForText, type WatchedPage } from './browser.js';
import { ADMIN_KEY, startUiDaemon, USER_KEY } from './ui-fixture.js';

const PAGES = [
  ['models', 'Models'],
  ['activity', 'Activity'],
  ['logs', 'Logs'],
  ['playground', 'Playground'],
  ['performance', 'Performance'],
] as const;
const README_PAGES: ReadonlySet<string> = new Set(['models', 'activity', 'playground']);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stopAllDaemons();
});

describe('web UI', () => {
  let daemon: Daemon;
  let tab: WatchedPage;
  beforeAll(async () => {
    daemon = await startUiDaemon();
    tab = await openPage(browser);
    await tab.page.setViewportSize(VIEWPORTS.desktop);
    const res = await tab.page.goto(`${daemon.baseUrl}/`);
    expect(res?.status(), 'GET / → /ui/').toBe(200);
    expect(tab.page.url()).toBe(`${daemon.baseUrl}/ui/`);
  });

  it('Models: groups, unlisted and peer models; Load and Unload change the state live', async () => {
    const { page } = tab;
    await waitForText(page.locator('.conn'), 'live');
    await waitForText(page.locator('.model-group h2'), 'Group chat');
    await waitForText(page.locator('.model-group h2'), 'Peer remote');
    await waitForText(getModelCard(page, 'hidden').card, 'unlisted');
    await waitForText(getModelCard(page, 'remote/big').state, 'peer');
    const alpha = getModelCard(page, 'alpha');
    await waitForText(alpha.card, 'Alpha 1B');
    await waitForText(alpha.card, 'aliases: a1');
    await waitForText(alpha.state, /^stopped$/);

    await alpha.load.click();
    await waitForText(alpha.state, /^ready$/);
    const { pid, port } = await waitForReady(daemon, 'alpha');
    await waitForText(alpha.card.locator('.facts'), `pid ${pid}`);
    await waitForText(alpha.card.locator('.facts'), `port ${port}`);
    await waitForText(alpha.card.locator('.facts'), /TTL \d+ m \d+ s left/);
    await waitForText(alpha.card.locator('.facts'), /up \d+ s/);

    await alpha.unload.click();
    await waitForText(alpha.state, /^stopped$/);
    await waitForPidsGone([pid], 10_000, 'alpha upstream');
    expect(await daemon.running()).toEqual([]);
  });

  it('Models: a failing start shows its error once, with its log tail folded', async () => {
    const { page } = tab;
    const broken = getModelCard(page, 'broken');
    await broken.load.click();
    await waitForText(broken.state, /^failed$/);
    await waitForText(broken.failure, /exited during start \(code 3, signal none\)/);
    expect(await page.getByText(/exited during start/).count()).toBe(1);
    await broken.failure.locator('summary').click();
    await waitForText(broken.failure.locator('.log-tail'), 'fake log line 3/3');
    await expect(broken.note.count()).resolves.toBe(0);
  });

  it('Activity: a request made with fetch shows within a second, with tokens and tok/s; in-flight requests can be cancelled', async () => {
    const { page } = tab;
    await gotoPage(page, '#/activity', 'Activity');
    const chat = await postChat(daemon, 'a1', { stream: true, stream_options: { include_usage: true } }, { 'x-request-id': 'ui-e2e-chat-1' });
    expect(chat.status).toBe(200);
    const row = page.locator('tr', { hasText: 'ui-e2e-chat-1' });
    await row.waitFor({ timeout: 1000 });
    const cells = Object.fromEntries(
      await row.locator('td').evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-label'), (td.textContent ?? '').trim()])),
    ) as Record<string, string>;
    expect(cells).toMatchObject({ Model: 'alpha', Path: '/v1/chat/completions', Status: '200', Generated: '12', 'Gen tok/s': '50.0', 'Prompt tok/s': '1,000' });
    expect(cells['Load wait']).toMatch(/ms|s$/);
    expect(cells.TTFT).toMatch(/ms|s$/);
    await row.click();
    await waitForText(page.locator('dialog.modal'), 'ui-e2e-chat-1');
    await page.keyboard.press('Escape');
    await page.locator('dialog.modal').waitFor({ state: 'detached' });

    // Its stream is cut by the cancel: the rejection is the expected end.
    const slow = postChat(daemon, 'alpha', { stream: true, fake_chunks: 200, fake_chunk_delay_ms: 100 }, { 'x-request-id': 'ui-e2e-slow' }).catch((e: unknown) => e);
    const inflight = page.locator('tr[data-inflight]', { hasText: '/v1/chat/completions' });
    await inflight.waitFor();
    await inflight.getByRole('button', { name: 'Cancel' }).click();
    await inflight.waitFor({ state: 'detached' });
    await slow;
    await waitForText(page.locator('tr', { hasText: 'ui-e2e-slow' }), 'cancelled');
  });

  it('Logs: proxy records as readable lines, ANSI colours, HTML in a log as text', async () => {
    const { page } = tab;
    await gotoPage(page, '#/models', 'Models');
    await getModelCard(page, 'colours').load.click();
    await waitForText(getModelCard(page, 'colours').state, /^ready$/);
    await gotoPage(page, '#/logs?channel=colours', 'Logs');
    const view = page.locator('.log-view');
    await waitForText(view.locator('.ansi-green-fg'), 'loaded');
    await waitForText(view, '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> is text');
    expect(await view.locator('script, img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await page.getByLabel('Channel').selectOption('proxy');
    await waitForText(view, /INFO\s.* request .*path=\/v1\/chat\/completions/);
    expect(await view.textContent()).not.toContain('{"level"');
    await page.getByLabel('Level').selectOption('error');
    await page.getByLabel('Search the log').fill('exited during start');
    await waitForText(view.locator('.log-line.level-error'), 'broken');
  });

  it('Playground: streams an answer from a model that must load first, with its load time, tokens and tok/s', async () => {
    const { page } = tab;
    await gotoPage(page, '#/playground?model=slow', 'Playground');
    await expect.poll(() => page.getByLabel('Model').inputValue(), { timeout: 5000 }).toBe('slow');
    await page.locator('.system-prompt summary').click();
    await page.getByLabel('System prompt').fill('You are terse.');
    await page.getByLabel('Message').fill('hello there');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('.turn-assistant').last();
    await waitForText(answer.locator('.loading-note'), 'loading model slow');
    await waitForText(answer.locator('.answer'), 'tok5');
    await waitForText(answer.locator('.answer-stats'), /^6 tokens · [\d.,]+ tok\/s · prompt 5 tokens · first token .* · model loaded in /);
  });

  it('Performance: charts from the activity and the daemon figures, uPlot loaded only there', async () => {
    const { page, requests } = tab;
    expect(requests.filter((p) => p.includes('performance-page-'))).toEqual([]);
    await gotoPage(page, '#/performance', 'Performance');
    await page.locator('.chart canvas').first().waitFor();
    await waitForText(page.locator('.facts'), /daemon pid \d+/);
    expect(requests.filter((p) => p.includes('performance-page-'))).toHaveLength(1);
    expect(requests.filter((p) => p === '/api/events'), 'one event stream, never reopened').toHaveLength(1);
  });

  it('every page at 390×844 and 1280×800: no horizontal overflow, no console error; screenshots', async () => {
    const { page, errors } = tab;
    const before = errors.length;
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      for (const [id, title] of PAGES) {
        await gotoPage(page, `#/${id}`, title);
        if (id === 'performance') await page.locator('.chart canvas').first().waitFor();
        expect(await findOverflow(page), `${id} at ${size}`).toEqual([]);
        await saveScreenshot(page, `${id}-${size}`, size === 'desktop' && README_PAGES.has(id));
      }
    }
    await page.setViewportSize(VIEWPORTS.phone);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Activity' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('navigation').waitFor({ state: 'hidden' });
    expect(errors.slice(before)).toEqual([]);
    // Before: the broken model's Load, answered 502, is the only failed request of the session.
    expect(errors.filter((e) => !/status of 502/.test(e))).toEqual([]);
  });

  it('is keyboard navigable: a skip link first, then the pages, Esc closes a dialog', async () => {
    const { page } = tab;
    await page.setViewportSize(VIEWPORTS.desktop);
    await page.reload();
    await page.locator('main h1').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    const focusable = page.getByRole('navigation').getByRole('link', { name: 'Logs' });
    await focusable.focus();
    await page.keyboard.press('Enter');
    await page.locator('main h1', { hasText: 'Logs' }).waitFor();
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle'), 'a visible focus ring').toBe('solid');
    await page.getByRole('button', { name: 'Enter an API key' }).press('Enter');
    await page.locator('dialog.modal').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('dialog.modal').waitFor({ state: 'detached' });
  });

  it('follows the OS theme until one is picked, which persists', async () => {
    const { page } = tab;
    const background = (): Promise<string> => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(19, 21, 24)');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe('rgb(246, 247, 249)');
    await page.getByRole('button', { name: /^Theme: system/ }).click();
    expect(await background()).toBe('rgb(19, 21, 24)');
    await page.reload();
    await page.locator('main h1').waitFor();
    expect(await background()).toBe('rgb(19, 21, 24)');
    await gotoPage(page, '#/models', 'Models');
    await saveScreenshot(page, 'models-desktop-dark');
  });

  it('shows a lost event stream, reconnects by itself, and polls nothing while idle', async () => {
    const { page, requests } = await openPage(browser);
    let refused = 0;
    await page.route('**/api/events', async (route) => (refused++ === 0 ? route.abort('connectionrefused') : route.continue()));
    await page.goto(`${daemon.baseUrl}/ui/#/models`);
    await waitForText(page.locator('.conn'), 'offline');
    await waitForText(page.locator('.banner-warn'), /Reconnecting in 1 s/);
    await waitForText(page.locator('.conn'), 'live', 5000);
    await waitForText(getModelCard(page, 'alpha').state, /^(stopped|ready)$/);
    const seen = requests.length;
    await page.waitForTimeout(2500); // a span in which a polling loop would show; nothing happens on the daemon
    expect(requests.slice(seen)).toEqual([]);
    await page.close();
  });
});

describe('web UI with API keys', () => {
  it('asks for a key once, keeps it for the tab, says plainly when an admin key is needed', async () => {
    const daemon = await startUiDaemon(true);
    const { page } = await openPage(browser);
    await page.goto(`${daemon.baseUrl}/ui/#/models`);
    const dialog = page.locator('dialog.modal');
    await waitForText(dialog, 'requires an API key');
    await saveScreenshot(page, 'key-prompt-desktop');
    await dialog.getByLabel(/^Key/).fill(USER_KEY);
    await dialog.getByRole('button', { name: 'Use key' }).click();
    await waitForText(page.locator('.banner-error'), 'not an admin key');
    expect(await page.evaluate("sessionStorage.getItem('swapgate.apiKey')")).toBe(USER_KEY);

    await gotoPage(page, '#/playground', 'Playground');
    await expect.poll(() => page.getByLabel('Model').locator('option').allTextContents(), { timeout: 5000 }).toContain('alpha');

    await page.locator('.banner-error').getByRole('button', { name: 'Use another key' }).click();
    await dialog.getByLabel(/^Key/).fill(ADMIN_KEY);
    await dialog.getByRole('button', { name: 'Use key' }).click();
    await waitForText(page.locator('.conn'), 'live');
    await page.reload();
    await gotoPage(page, '#/models', 'Models');
    await waitForText(getModelCard(page, 'alpha').state, /^stopped$/);
    expect(await dialog.count(), 'no second prompt: the key is kept for the tab').toBe(0);
  }, 60_000);
});
