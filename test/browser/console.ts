import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from '@jest/globals';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium, driven by playwright-core (no browser download). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });

/** One person at one city's console: a browser context of their own (the token lives in that page's memory). */
export interface ConsoleUser {
  page: Page;
  context: BrowserContext;
  base: string;
  username: string;
}

export const signIn = async (
  browser: Browser,
  base: string,
  username: string,
  viewport = { width: 1280, height: 900 },
): Promise<ConsoleUser> => {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/.test(m.text())) errors.push(m.text());
  });
  await page.goto(`${base}/console/`);
  await page.locator(`button[data-user="${username}"]`).click();
  await expect(page.getByTestId('who').textContent()).resolves.toContain(username);
  (page as unknown as { consoleErrors: string[] }).consoleErrors = errors;
  return { page, context, base, username };
};

export const go = async (u: ConsoleUser, hash: string): Promise<void> => {
  await u.page.evaluate((h) => {
    location.hash = h;
  }, hash);
};

/** Opens a case and waits (re-opening it) until this city shows it in `state` (replication between the cities takes a moment). */
export const openCase = async (u: ConsoleUser, id: string, state: string, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await go(u, '/');
    await go(u, `/cases/${id}`);
    const article = u.page.locator(`article[data-case="${id}"]`);
    await article.waitFor({ timeout: 15_000 }).catch(() => undefined);
    if ((await article.getAttribute('data-state').catch(() => null)) === state) return;
    if (Date.now() > deadline)
      throw new Error(`${u.username}: case ${id} did not reach ${state} (is ${await article.getAttribute('data-state').catch(() => '?')})`);
    await u.page.waitForTimeout(500);
  }
};

/**
 * Opens a view at `hash` and waits (re-opening it) until its element `selector` shows `data-state="<state>"` (what another
 * city did arrives by events: a moment later).
 */
export const openView = async (u: ConsoleUser, hash: string, selector: string, state: string, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await go(u, '/');
    await go(u, hash);
    const el = u.page.locator(selector).first();
    await el.waitFor({ timeout: 10_000 }).catch(() => undefined);
    if ((await el.getAttribute('data-state').catch(() => null)) === state) return;
    if (Date.now() > deadline)
      throw new Error(`${u.username}: ${hash} did not reach ${state} (is ${await el.getAttribute('data-state').catch(() => '?')})`);
    await u.page.waitForTimeout(500);
  }
};

/** Runs a UI action and waits for `selector`; a problem the console shows instead fails it (with the problem's text). */
export const expectOutcome = async (u: ConsoleUser, what: string, act: () => Promise<void>, selector: string): Promise<void> => {
  await act();
  await Promise.race([
    u.page.waitForSelector(selector, { timeout: 30_000 }),
    u.page
      .waitForSelector('.problem', { timeout: 30_000 })
      .then(async (p) => Promise.reject(new Error(`${u.username} ${what}: the console shows ${await p.textContent()}`))),
  ]);
};

/** Submits a step form and waits for the case to show the state it leads to; a problem shown in the UI fails the step. */
export const step = async (u: ConsoleUser, action: string, to: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>) => {
  const form = u.page.locator(`form[data-action="${action}"]`);
  await form.waitFor({ timeout: 15_000 });
  if (fill) await fill(form);
  await form.locator('button[type="submit"]').click();
  const article = u.page.locator('article[data-case]');
  await Promise.race([
    u.page.waitForSelector(`article[data-state="${to}"]`, { timeout: 20_000 }),
    u.page
      .waitForSelector('.problem', { timeout: 20_000 })
      .then(async (p) => Promise.reject(new Error(`${u.username} ${action}: the console shows ${await p.textContent()}`))),
  ]);
  expect(await article.getAttribute('data-state')).toBe(to);
};

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (evaluated over the DevTools protocol, so the console's CSP stays on): WCAG 2.x A and AA, no violation. */
export const expectAccessible = async (page: Page, what: string): Promise<void> => {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  expect({ what, violations }).toEqual({ what, violations: [] });
};

/** No horizontal scrolling at the page's width. */
export const expectNoOverflow = async (page: Page, what: string): Promise<void> => {
  const o = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect({ what, overflow: o.scroll > o.client }).toEqual({ what, overflow: false });
};

export const screenshot = async (page: Page, name: string): Promise<void> => {
  if (process.env.CONSOLE_SCREENSHOTS === '1') await page.screenshot({ path: `docs/console/${name}.png`, fullPage: true });
};
