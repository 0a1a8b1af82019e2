// Opens every page on a 360 px wide phone, in Italian and in English, first as a visitor
// and then signed in, and fails when any page is wider than the screen (it would scroll
// sideways), naming the elements that stick out. PIAZZA_ANONYMOUS_PAGES and PIAZZA_SIGNED_IN_PAGES list the paths, one a
// line; PIAZZA_SCREENSHOT_DIR, when set, receives a screenshot of each page.
import { env, newPage, open, run, signIn } from './lib.mjs';

const WIDTH = 360;
const PHONE = { viewport: { width: WIDTH, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const LOCALES = ['it-IT', 'en-GB'];
const SHOWN = 6;

// Runs in the page: how wide the document is and, when it is too wide, the outermost
// elements that reach past the screen's right edge (inside no scrolling or clipping box).
function measure([width, shown]) {
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return { scrollWidth, offenders: [] };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') + [...el.classList].map((c) => `.${c}`).join('');
  const path = (el) => {
    const names = [];
    for (let at = el; at && at !== document.body; at = at.parentElement) names.unshift(name(at));
    return names.join(' > ');
  };
  // Whether a scrolling or clipping box contains `el`: only the boxes on its chain of
  // containing blocks clip it (an absolutely positioned element escapes every box up to
  // its nearest positioned ancestor; a fixed one, all).
  const clipped = (el) => {
    let position = getComputedStyle(el).position;
    for (let at = el.parentElement; at && at !== document.body; at = at.parentElement) {
      if (position === 'fixed') return false;
      const style = getComputedStyle(at);
      if (position === 'absolute' && style.position === 'static') continue;
      if (style.overflowX !== 'visible') return true;
      position = style.position;
    }
    return false;
  };
  const sticksOut = (el) => el.getBoundingClientRect().right > width + 0.5 && !clipped(el);
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!sticksOut(el) || (el.parentElement !== document.body && sticksOut(el.parentElement))) continue;
    const box = el.getBoundingClientRect();
    offenders.push(`${path(el)} reaches ${Math.round(box.right)} px (${Math.round(box.width)} px wide)`);
  }
  const more = offenders.length > shown ? [`and ${offenders.length - shown} more`] : [];
  return { scrollWidth, offenders: offenders.slice(0, shown).concat(more) };
}

const lines = (name) => env(name).split('\n').map((line) => line.trim()).filter((line) => line !== '');
const shots = process.env.PIAZZA_SCREENSHOT_DIR;
const failures = [];

async function check(page, who, path) {
  await open(page, path);
  const { scrollWidth, offenders } = await page.evaluate(measure, [WIDTH, SHOWN]);
  if (shots) {
    await page.screenshot({ path: `${shots}/${who.replace(' ', '-')}${path.replace(/[^a-z0-9]+/gi, '_')}.png`, fullPage: true });
  }
  if (scrollWidth > WIDTH) {
    failures.push(`${who} ${path}: ${scrollWidth} px wide, ${scrollWidth - WIDTH} px too wide:\n    ${offenders.join('\n    ')}`);
  } else {
    console.log(`${who} ${path}: fits (${scrollWidth} px)`);
  }
}

await run(async (browser) => {
  for (const locale of LOCALES) {
    const visitor = await newPage(browser, { ...PHONE, locale });
    for (const path of lines('PIAZZA_ANONYMOUS_PAGES')) await check(visitor, `${locale} visitor`, path);
    const member = await newPage(browser, { ...PHONE, locale });
    await signIn(member, env('PIAZZA_EMAIL'), env('PIAZZA_PASSWORD'));
    for (const path of lines('PIAZZA_SIGNED_IN_PAGES')) await check(member, `${locale} signed-in`, path);
  }
  if (failures.length > 0) {
    throw new Error(`${failures.length} page(s) are wider than a ${WIDTH} px phone:\n  ${failures.join('\n  ')}`);
  }
});
