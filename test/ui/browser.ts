// Debian's Chromium driven by playwright-core (no downloaded browsers). A missing browser fails
// the test: CI installs it in .ci/run. Every page records its script errors and CSP violations,
// and the requests it makes; layout checks and screenshots for the pages at phone and desktop size.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/daemon.js';

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
/** Where every page's screenshots go (gitignored), and the README's copies. */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'ui');
export const README_SCREENSHOTS_DIR = join(REPO_ROOT, 'docs', 'screenshots');

/** What the in-page callbacks below use of the DOM (this program has no DOM lib: they run in Chromium). */
interface InPageElement {
  readonly tagName: string;
  readonly classList: Iterable<string>;
  readonly parentElement: InPageElement | null;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  getBoundingClientRect(): { readonly width: number; readonly right: number };
}
declare const document: { readonly documentElement: InPageElement; readonly body: InPageElement; querySelectorAll(selector: string): Iterable<InPageElement> };
declare const location: { hash: string };
declare function getComputedStyle(element: InPageElement): { readonly overflowX: string };

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium); .ci/run does`);
  }
  // A fresh temporary profile per launch; newPage() opens a fresh context in it.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface WatchedPage {
  readonly page: Page;
  /** Uncaught exceptions and console errors (CSP violations and failed loads are reported there). */
  readonly errors: string[];
  /** Paths (with query) of every request the page made, in order. */
  readonly requests: string[];
}

/** A browser (each page in a fresh context) or one context (its pages share a connection pool). */
export async function openPage(target: Browser | BrowserContext): Promise<WatchedPage> {
  const page = await target.newPage();
  page.setDefaultTimeout(SHOWN_WITHIN_MS);
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    requests.push(`${url.pathname}${url.search}`);
  });
  return { page, errors, requests };
}

/** Waits until the locator's text matches (a fact the user sees), failing after the deadline. */
export async function waitForText(locator: Locator, text: string | RegExp, timeout = SHOWN_WITHIN_MS): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
}

/** One model's card on the Models page: its state badge, buttons and failure note. */
export function getModelCard(page: Page, model: string): { card: Locator; state: Locator; load: Locator; unload: Locator; failure: Locator; note: Locator } {
  const card = page.locator(`article.model-card[data-model="${model}"]`);
  return {
    card,
    state: card.locator('.model-head .state'),
    load: card.locator('button[data-action="load"]'),
    unload: card.locator('button[data-action="unload"]'),
    failure: card.locator('.failure'),
    note: card.locator('.note'),
  };
}

/** Goes to a page of the app by its hash route and waits for its heading. */
export async function gotoPage(page: Page, hash: string, heading: string): Promise<void> {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.locator('main h1', { hasText: heading }).waitFor();
}

/**
 * What sticks out sideways: the document wider than the viewport, or an element whose right edge
 * passes it outside a box that scrolls or clips sideways (a declared scroll box).
 */
export async function findOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) problems.push(`document is ${root.scrollWidth} px wide in a ${root.clientWidth} px viewport`);
    const clips = (el: InPageElement | null): boolean => {
      for (let node = el; node !== null && node !== document.body; node = node.parentElement) {
        const overflowX = getComputedStyle(node).overflowX;
        if (overflowX === 'auto' || overflowX === 'scroll' || overflowX === 'hidden') return true;
      }
      return false;
    };
    for (const el of document.querySelectorAll('body *')) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.right <= root.clientWidth + 1) continue;
      if (clips(el.parentElement)) continue;
      problems.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ends at ${Math.round(rect.right)} px`);
      if (problems.length > 5) break;
    }
    return problems;
  });
}

/**
 * Saves a full-page screenshot as test-artifacts/ui/<name>.png; `readme` also copies it to
 * docs/screenshots when SWAPGATE_UPDATE_SCREENSHOTS=1 (so a test run leaves tracked files alone).
 */
export async function saveScreenshot(page: Page, name: string, readme = false): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  if (readme && process.env.SWAPGATE_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(README_SCREENSHOTS_DIR, { recursive: true });
    copyFileSync(path, join(README_SCREENSHOTS_DIR, `${name}.png`));
  }
}
