// Signs in through the form in Chromium and finds the person's name in the page's header:
// the browser tests' own first test (Chromium starts, the form works with the CSP and
// CSRF rules a real browser follows).
import { env, newPage, open, run, signIn } from './lib.mjs';

await run(async (browser) => {
  const page = await newPage(browser);
  await signIn(page, env('PIAZZA_EMAIL'), env('PIAZZA_PASSWORD'));
  await open(page, '/me/works');
  const header = await page.locator('header.top').innerText();
  if (!header.includes(env('PIAZZA_NAME'))) {
    throw new Error(`signed in, the header does not name ${env('PIAZZA_NAME')}:\n${header}`);
  }
  console.log(`signed in as ${env('PIAZZA_NAME')} with ${browser.version()}`);
});
