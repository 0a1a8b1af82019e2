// The submit form in Chromium, as a citizen uses it: signs in, fills the form, picks a
// file and sends it. PIAZZA_SCENARIO says which journey:
//   offline  the browser goes offline at about half of the upload, comes back, and the
//            work arrives (the upload pauses and goes on by itself);
//   reload   the page is reloaded at about half; the typed fields come back, the same file
//            is picked again and the upload goes on from where it stopped;
//   refused  files over the size or duration limit are refused before any byte is sent,
//            with the typed fields kept;
//   kept     the server refuses the form after the upload (no alt text for a call that
//            asks for it): the page keeps the upload, and sending again needs no new byte;
//   nojs     with JavaScript off, the plain form sends a film, then a poem.
// The upload requests are slowed in the browser (each chunk waits PIAZZA_CHUNK_DELAY_MS
// before it goes out) so that "about half" is a moment a test can catch. What it measured
// is printed as one JSON line for the Rust test.
import { statSync } from 'node:fs';
import { env, newPage, open, run, signIn } from './lib.mjs';

const scenario = env('PIAZZA_SCENARIO');
const call = env('PIAZZA_CALL');
const film = process.env.PIAZZA_FILM || '';
const title = 'Il mercato del sabato';
const delay = Number(process.env.PIAZZA_CHUNK_DELAY_MS || '250');
const SUBMIT = '#submit-form > button[type=submit]';

/// Counts what goes to the tus endpoint, and holds each chunk back for `delay` ms.
async function watchUploads(context) {
  const seen = { creations: 0, patches: 0, bytes: 0 };
  await context.route('**/api/v1/uploads**', async (route) => {
    const request = route.request();
    if (request.method() === 'POST') seen.creations += 1;
    if (request.method() === 'PATCH') {
      seen.patches += 1;
      seen.bytes += (request.postDataBuffer() || Buffer.alloc(0)).length;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    // A reload or going offline cancels a request that waits here.
    await route.continue().catch(() => {});
  });
  return seen;
}

async function fill(page, kind, file) {
  await page.locator('#call').selectOption(call);
  await page.locator(`input[name=kind][value=${kind}]`).check();
  await page.locator('#title').fill(title);
  await page.locator('#description').fill('Le voci del mercato, una mattina di sabato.');
  if (file) await page.locator('#file').setInputFiles(file);
}

/// Waits until the progress bar shows at least `percent`.
async function reach(page, percent) {
  await page.waitForFunction((p) => Number(document.getElementById('upload-progress').value) >= p, percent, { timeout: 60000, polling: 20 });
  return page.locator('#upload-progress').evaluate((bar) => Number(bar.value));
}

const message = (page, name) => page.locator('#upload-status').getAttribute(`data-msg-${name}`);

async function arrives(page) {
  try {
    await page.waitForURL(/\/works\/[^/]+$/, { timeout: 120000 });
  } catch (error) {
    // Say what the page shows instead: a refusal, or the upload's last words.
    const shown = await page.locator('.error, #upload-text, #upload-notice-text').allTextContents().catch(() => []);
    throw new Error(`the work did not arrive (still at ${page.url()}); the page says: ${JSON.stringify(shown)}\n${error.message}`);
  }
  return new URL(page.url()).pathname.split('/').pop();
}

function expect(condition, what) {
  if (!condition) throw new Error(what);
}

await run(async (browser) => {
  // An Italian citizen's browser: the page and its script speak Italian.
  const page = await newPage(browser, { locale: 'it-IT', javaScriptEnabled: scenario !== 'nojs' });
  await signIn(page, env('PIAZZA_EMAIL'), env('PIAZZA_PASSWORD'));
  const seen = await watchUploads(page.context());
  await open(page, `/submit?call=${call}`);
  const size = film ? statSync(film).size : 0;
  const result = { scenario, size };

  if (scenario === 'offline') {
    await fill(page, 'film', film);
    await page.locator(SUBMIT).click();
    result.offline_at = await reach(page, 40);
    await page.context().setOffline(true);
    const offline = await message(page, 'offline');
    await page.waitForFunction((text) => document.getElementById('upload-text').textContent === text, offline, { timeout: 10000 });
    expect((await page.locator('#upload-live').textContent()) === offline, 'the live region did not say that the upload paused');
    const paused = await page.locator('#upload-progress').evaluate((bar) => Number(bar.value));
    await page.waitForTimeout(1500);
    const still = await page.locator('#upload-progress').evaluate((bar) => Number(bar.value));
    expect(still === paused, `offline, the upload went on from ${paused} % to ${still} %`);
    expect(page.url().endsWith(`/submit?call=${call}`), `offline, the page left the form: ${page.url()}`);
    await page.context().setOffline(false);
    result.work = await arrives(page);
  } else if (scenario === 'reload') {
    await fill(page, 'film', film);
    await page.locator(SUBMIT).click();
    result.reloaded_at = await reach(page, 45);
    await page.reload({ waitUntil: 'load' });
    // The fields come back from the browser's draft, and the stopped upload is offered.
    expect((await page.locator('#title').inputValue()) === title, 'after the reload the title was not restored');
    expect(await page.locator('input[name=kind][value=film]').isChecked(), 'after the reload the kind was not restored');
    await page.locator('#upload-notice').waitFor({ state: 'visible', timeout: 10000 });
    const offer = await page.locator('#upload-notice-text').textContent();
    expect(offer.includes('.mp4'), `the notice does not name the file: ${offer}`);
    expect(await page.locator('#upload-start-over').isVisible(), 'there is no way to start again');
    const creations = seen.creations;
    await page.locator('#file').setInputFiles(film);
    await page.locator(SUBMIT).click();
    result.work = await arrives(page);
    expect(seen.creations === creations, 'the upload started again instead of going on');
  } else if (scenario === 'refused') {
    const max = env('PIAZZA_MAX_MB');
    await fill(page, 'film', env('PIAZZA_BIG_FILE'));
    const error = page.locator('#file-error');
    await error.waitFor({ state: 'visible', timeout: 10000 });
    const big = await error.textContent();
    expect(big.includes(`${max} MB`), `the refusal does not name the limit (${max} MB): ${big}`);
    expect((await page.locator('#file').getAttribute('aria-invalid')) === 'true', 'the file field is not marked invalid');
    await page.locator(SUBMIT).click();
    await page.waitForTimeout(1000);
    expect((await error.textContent()) === big, 'the refusal changed on sending');
    result.too_large = big;
    // A film over the duration limit: its length is read in the browser.
    await page.locator('#file').setInputFiles(env('PIAZZA_LONG_FILM'));
    const changed = (first) => {
      const e = document.getElementById('file-error');
      return e !== null && e.textContent !== '' && e.textContent !== first;
    };
    await page.waitForFunction(changed, big, { timeout: 10000 });
    result.too_long = await error.textContent();
    expect(result.too_long.includes(env('PIAZZA_MAX_MINUTES')), `the refusal does not name the limit: ${result.too_long}`);
    await page.locator(SUBMIT).click();
    await page.waitForTimeout(1000);
    expect((await error.textContent()) === result.too_long, 'the refusal changed on sending');
    expect(seen.creations === 0 && seen.patches === 0, `bytes went out: ${JSON.stringify(seen)}`);
    expect((await page.locator('#title').inputValue()) === title, 'the title was lost');
    expect(page.url().endsWith(`/submit?call=${call}`), `the page left the form: ${page.url()}`);
  } else if (scenario === 'kept') {
    await fill(page, 'photo', env('PIAZZA_PHOTO'));
    await page.locator(SUBMIT).click();
    // The server's page comes back: the upload is kept, the error is at the alt text.
    await page.locator('#alt_text-error').waitFor({ state: 'visible', timeout: 60000 });
    expect((await page.locator('input[name=upload]').inputValue()) !== '', 'the refused page lost the upload');
    expect(await page.locator('#upload-kept').isVisible(), 'the page does not say the file arrived');
    expect((await page.locator('#title').inputValue()) === title, 'the refused page lost the title');
    // The refusal is answered 422, which the console reports as a failed load; nothing else may be there.
    const expected = page.consoleErrors.filter((e) => !/status of 422 .*\/submit\)$/.test(e));
    expect(expected.length === 0, `the console reported errors:\n  ${expected.join('\n  ')}`);
    page.consoleErrors.length = 0;
    const patches = seen.patches;
    await page.locator('#alt_text').fill('Bancarelle di frutta sotto un portico');
    await page.locator(SUBMIT).click();
    result.work = await arrives(page);
    expect(seen.patches === patches && seen.creations === 1, `sending again sent the file again: ${JSON.stringify(seen)}`);
  } else if (scenario === 'nojs') {
    await fill(page, 'film', film);
    await page.locator(SUBMIT).click();
    result.work = await arrives(page);
    expect(seen.creations === 0, 'without JavaScript a resumable upload was made');
    // A poem: the file field stays empty, and the browser still sends it (a nameless part).
    await open(page, `/submit?call=${call}`);
    await fill(page, 'poem', '');
    await page.locator('#text').fill('Il sabato al mercato\nogni voce è un colore.');
    await page.locator(SUBMIT).click();
    result.poem = await arrives(page);
  } else {
    throw new Error(`unknown PIAZZA_SCENARIO ${scenario}`);
  }
  expect(page.consoleErrors.length === 0, `the console reported errors:\n  ${page.consoleErrors.join('\n  ')}`);
  Object.assign(result, seen);
  console.log(JSON.stringify(result));
});
