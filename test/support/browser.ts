/**
 * Headless Debian Chromium driven by playwright-core (never a downloaded browser).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'mocha';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../../bot/paths';
import { LocalStack } from './localStack';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(repoRoot(), 'test-artifacts');

/** True where Chromium is installed (CI installs it; `.ci/run`). */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Saves a screenshot under `test-artifacts/` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Types a message into the Playground's compose box and sends it. */
export async function sendInPlayground(page: Page, text: string): Promise<void> {
  const box = page.locator('[data-lexical-editor="true"]').last();
  await box.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Starts a new post in the open channel that @mentions the bot (channel posts reach the bot only so). */
export async function postInChannel(page: Page, text: string, botName = 'Test Bot'): Promise<void> {
  const box = page.locator('[data-lexical-editor="true"]').first();
  await box.click();
  await page.keyboard.type('@');
  // The mention picker is a Fluent menu; its items are role=menuitem (the bot's name also appears as post author).
  const pick = page.getByRole('menuitem', { name: botName });
  await pick.waitFor({ timeout: 10000 });
  // It re-renders as it opens: a click too early inserts no mention.
  await page.waitForTimeout(500);
  await pick.click();
  await page.waitForTimeout(300);
  await page.keyboard.type(` ${text}`);
  await page.getByRole('button', { name: 'Post' }).click();
}

/**
 * Mocha set-up shared by the browser tests: the local stack (with `env`) and Chromium, started in `before` and
 * stopped in `after`. Without Chromium the suite is skipped, except in CI, which installs it and must run it.
 */
export function withStackAndBrowser(env: Record<string, string> = {}): {
  stack: LocalStack;
  browser: () => Browser;
} {
  const stack = new LocalStack(env);
  let browser: Browser | undefined;
  before(async function () {
    if (!hasChromium()) {
      if (process.env.CI) throw new Error(`Chromium is missing at ${CHROMIUM}`);
      this.skip();
    }
    await stack.start();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack.stop();
  });
  return {
    stack,
    browser: () => {
      if (!browser) throw new Error('the browser has not started');
      return browser;
    },
  };
}
