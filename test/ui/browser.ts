// Debian's Chromium driven by playwright-core (no downloaded browsers). A missing browser fails
// the test: CI installs it in .ci/run. Every page records its script errors and CSP violations.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Request } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Deadline for anything the page should show (a model start with the fake upstream is ~100 ms). */
export const SHOWN_WITHIN_MS = 15_000;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium); .ci/run does`);
  }
  // A fresh temporary profile per launch; newPage() opens a fresh context in it.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface WatchedPage {
  readonly page: Page;
  /** Uncaught exceptions and console errors (CSP violations are reported there). */
  readonly errors: string[];
}

/** A browser (each page in a fresh context) or one context (its pages share a connection pool). */
export async function openPage(target: Browser | BrowserContext): Promise<WatchedPage> {
  const page = await target.newPage();
  page.setDefaultTimeout(SHOWN_WITHIN_MS);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return { page, errors };
}

/** Waits until the locator's text matches (a fact the user sees), failing after the deadline. */
export async function waitForText(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: SHOWN_WITHIN_MS });
}

/** The state cell and the buttons of one model's row. */
export function getModelRow(
  page: Page,
  model: string,
): { state: Locator; load: Locator; unload: Locator; note: Locator; failure: Locator } {
  const row = page.locator(`#models-body tr[data-model="${model}"]`);
  return {
    state: row.locator('td.state'),
    load: row.locator('button[data-action="load"]'),
    unload: row.locator('button[data-action="unload"]'),
    note: row.locator('.note'),
    failure: row.locator('.failure'),
  };
}

const STREAM_PATH = /^\/(ui\/events|logs\/stream)(\/|$)/;

/**
 * How many of the page's long-lived streams (/ui/events, /logs/stream*) are open right now: each
 * holds one of the six HTTP/1.1 connections Chromium allows per host. Call before page.goto.
 */
export function trackOpenStreams(page: Page): () => number {
  const open = new Set<Request>();
  page.on('request', (request) => {
    if (STREAM_PATH.test(new URL(request.url()).pathname)) open.add(request);
  });
  page.on('requestfinished', (request) => open.delete(request));
  page.on('requestfailed', (request) => open.delete(request));
  return () => open.size;
}
