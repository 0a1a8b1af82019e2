// What every browser test shares: Debian's Chromium launched through playwright-core
// (which never downloads a browser of its own), the server's address and the values the
// Rust test passes in the environment, signing in through the form, and one way to fail.
import { chromium } from 'playwright-core';

// Without --disable-background-networking Chromium keeps calling Google's hosts, which a
// closed network refuses; --no-sandbox because the tests may run as root.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/// Launches headless Chromium from /usr/bin/chromium.
export async function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/// A value the Rust test set in the environment; fails when it is missing.
export function env(name) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`the environment variable ${name} is not set (the Rust test sets it)`);
  }
  return value;
}

/// The server under test, without a trailing slash.
export function base() {
  return env('PIAZZA_BASE_URL').replace(/\/$/, '');
}

/// A page in a context of its own (its own cookies), which remembers what the console
/// reported as an error: a CSP refusal (an inline style, a script) or a failed load shows
/// up there. Not the favicon the browser asks for by itself: the site has none.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.consoleErrors = [];
  page.on('console', (message) => {
    const where = message.location().url || '';
    if (message.type() === 'error' && !where.endsWith('/favicon.ico')) {
      page.consoleErrors.push(where ? `${message.text()} (${where})` : message.text());
    }
  });
  page.on('pageerror', (error) => page.consoleErrors.push(String(error)));
  return page;
}

/// Opens `path` on the server; fails unless it answers 200 and the console stays quiet.
export async function open(page, path) {
  const response = await page.goto(base() + path, { waitUntil: 'load' });
  if (!response || response.status() !== 200) {
    throw new Error(`GET ${path} answered ${response ? response.status() : 'nothing'}`);
  }
  if (page.consoleErrors && page.consoleErrors.length > 0) {
    throw new Error(`GET ${path}: the console reported errors:\n  ${page.consoleErrors.join('\n  ')}`);
  }
  return response;
}

/// Signs in through the sign-in form, as a person would.
export async function signIn(page, email, password) {
  await open(page, '/signin');
  const form = page.locator('form[action="/signin"]');
  await form.locator('#email').fill(email);
  await form.locator('#password').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/signin'), form.locator('button[type=submit]').click()]);
  const session = (await page.context().cookies()).some((c) => c.name === 'piazza_session' && c.httpOnly);
  if (!session) {
    throw new Error(`signing in as ${email} set no session cookie (now at ${page.url()})`);
  }
}

/// Runs a test with one browser: prints the failure and exits non-zero on any error, and
/// always closes the browser.
export async function run(test) {
  let browser;
  try {
    browser = await launch();
    await test(browser);
  } catch (error) {
    console.error(error && error.stack ? error.stack : String(error));
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close();
  }
}
