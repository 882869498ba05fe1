// The web UI in a real Chromium against the real daemon (dist/main.js) running fake upstreams:
// what a user sees in the model list, the logs and the activity table, with and without keys.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startDaemon, stopAllDaemons, type Daemon } from '../helpers/daemon.js';
import { fakeCmd, postChat, waitForPidsGone, waitForReady, yamlQuote } from '../e2e/e2e-fixtures.js';
import { getModelRow, launchChromium, openPage, SHOWN_WITHIN_MS, trackOpenStreams, waitForText } from './browser.js';

const USER_KEY = 'sk-ui-user-key';
const ADMIN_KEY = 'sk-ui-admin-key';

function makeConfigText(withKeys: boolean): string {
  return [
    ...(withKeys
      ? ['apiKeys:', `  - { key: ${USER_KEY}, name: user }`, `  - { key: ${ADMIN_KEY}, name: ops, admin: true }`]
      : []),
    'models:',
    '  alpha:',
    `    cmd: ${yamlQuote(fakeCmd('alpha'))}`,
    '    name: Alpha 1B',
    '  beta:',
    `    cmd: ${yamlQuote(fakeCmd('beta'))}`,
    '  broken:',
    `    cmd: ${yamlQuote(fakeCmd('broken', '--exit-after-ms', '0', '--exit-code', '3'))}`,
    '',
  ].join('\n');
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
afterEach(stopAllDaemons);

async function openUi(daemon: Daemon, target: Browser | BrowserContext = browser): Promise<Awaited<ReturnType<typeof openPage>>> {
  const watched = await openPage(target);
  const res = await watched.page.goto(`${daemon.baseUrl}/`);
  expect(res?.status(), 'GET / → /ui/ without a key').toBe(200);
  expect(watched.page.url()).toBe(`${daemon.baseUrl}/ui/`);
  return watched;
}

describe('web UI', () => {
  it('lists models, loads and unloads them, and shows a request in the logs and the activity', async () => {
    const daemon = await startDaemon({ configText: makeConfigText(false) });
    const { page, errors } = await openUi(daemon);
    const alpha = getModelRow(page, 'alpha');
    await waitForText(alpha.state, /^stopped$/);
    await waitForText(getModelRow(page, 'beta').state, /^stopped$/);
    await waitForText(page.locator('#models-body tr[data-model="alpha"]'), 'Alpha 1B');

    await alpha.load.click();
    await waitForText(alpha.state, /^ready$/);
    const { pid } = await waitForReady(daemon, 'alpha');

    const chat = await postChat(daemon, 'alpha', {}, { 'x-request-id': 'ui-e2e-chat-1' });
    expect(chat.status).toBe(200);
    await waitForText(page.locator('#log-view'), 'reqId=ui-e2e-chat-1');
    const row = page.locator('#activity-body tr', { hasText: '/v1/chat/completions' });
    await waitForText(row, '/v1/chat/completions');
    expect(await row.first().locator('td').allTextContents()).toEqual([
      expect.any(String),
      'POST',
      '/v1/chat/completions',
      'alpha',
      '200',
      expect.stringMatching(/^\d+\.\d ms$/),
    ]);

    await page.locator('#log-channel').selectOption('alpha');
    await waitForText(page.locator('#log-view'), /READY \d+/);

    await alpha.unload.click();
    await waitForText(alpha.state, /^stopped$/);
    await waitForPidsGone([pid], 10_000, 'alpha upstream');
    expect(await daemon.running()).toEqual([]);
    expect(errors).toEqual([]);

    const broken = getModelRow(page, 'broken');
    await broken.load.click();
    await waitForText(broken.state, /^failed$/);
    await waitForText(broken.note, /HTTP 502: model "broken" exited during start \(code 3/);
    await waitForText(broken.failure, /^failed .*: model "broken" exited during start \(code 3, signal none\)/);

    // The daemon remembers it: a tab opened after the failure shows it too.
    const later = await openUi(daemon);
    const brokenLater = getModelRow(later.page, 'broken');
    await waitForText(brokenLater.state, /^failed$/);
    await waitForText(brokenLater.failure, /^failed .*: model "broken" exited during start \(code 3, signal none\)/);
    expect(await brokenLater.state.getAttribute('title')).toMatch(/exited during start \(code 3/);
    await waitForText(getModelRow(later.page, 'alpha').state, /^stopped$/);
    expect(later.errors).toEqual([]);
  }, 60_000);

  it('holds two streams per tab, so a Load works with another tab open and a third tab opens', async () => {
    const daemon = await startDaemon({ configText: makeConfigText(false) });
    // One context: its tabs share Chromium's six connections per host, as a user's tabs do.
    // Three streams per tab left none for a Load or a third tab once two tabs were open.
    const context = await browser.newContext();
    try {
      let opened = 0;
      const openTab = async (channel: string) => {
        const watched = await openPage(context);
        const openStreams = trackOpenStreams(watched.page);
        const res = await watched.page.goto(`${daemon.baseUrl}/ui/`);
        expect(res?.status(), `tab ${opened + 1} loads with ${opened} open`).toBe(200);
        opened += 1;
        await waitForText(getModelRow(watched.page, 'alpha').state, /^(stopped|ready)$/);
        await watched.page.locator('#log-channel').selectOption(channel);
        return { page: watched.page, openStreams };
      };
      const proxyTab = await openTab('proxy');
      const modelTab = await openTab('alpha');
      const alpha = getModelRow(modelTab.page, 'alpha');
      await alpha.load.click();
      await waitForText(alpha.state, /^ready$/);
      await waitForText(getModelRow(proxyTab.page, 'alpha').state, /^ready$/);
      await waitForText(modelTab.page.locator('#log-view'), /^READY \d+/m);
      await waitForText(proxyTab.page.locator('#log-view'), 'path=/api/models/load/alpha');
      await waitForText(proxyTab.page.locator('#activity-body'), '/api/models/load/alpha');

      const upstreamTab = await openTab('upstream');
      await waitForText(upstreamTab.page.locator('#log-view'), /\[alpha\] READY \d+/);
      await waitForText(upstreamTab.page.locator('#activity-body'), '/api/models/load/alpha');
      const tabs = [proxyTab, modelTab, upstreamTab];
      for (const [index, tab] of tabs.entries()) {
        await expect.poll(tab.openStreams, { message: `open streams of tab ${index + 1}`, timeout: SHOWN_WITHIN_MS }).toBe(2);
      }
    } finally {
      await context.close();
    }
  }, 90_000);

  it('asks for a key, keeps it in sessionStorage, and says when an admin key is needed', async () => {
    const daemon = await startDaemon({ configText: makeConfigText(true) });
    const { page } = await openUi(daemon);
    await waitForText(page.locator('#models-msg'), 'requires an API key');
    await waitForText(page.locator('#logs-msg'), 'requires an API key');

    await page.locator('#key-input').fill(USER_KEY);
    await page.locator('#key-form button[type="submit"]').click();
    const alpha = getModelRow(page, 'alpha');
    await waitForText(alpha.state, /^stopped$/);
    expect(await page.evaluate("sessionStorage.getItem('swapgate.apiKey')")).toBe(USER_KEY);
    await waitForText(page.locator('#logs-msg'), 'admin key may be required');
    await alpha.load.click();
    await waitForText(alpha.note, /admin key may be required.*403/);

    await page.locator('#key-input').fill(ADMIN_KEY);
    await page.locator('#key-form button[type="submit"]').click();
    await alpha.load.click();
    await waitForText(alpha.state, /^ready$/);
    await page.reload();
    await waitForText(page.locator('#key-state'), 'key set for this tab');
    await waitForText(getModelRow(page, 'alpha').state, /^ready$/);
    await waitForText(page.locator('#activity-body'), '/api/models/load/alpha');
  }, 60_000);
});
