'use strict';
// The clerk's case pages in a real browser: keying a paper plea with the keyboard only, linking
// a suggestion with one click, and every new console page axe-clean at 1280 px and at 360 px
// without horizontal scrolling (search, results, case page, keying form and result, the
// unmatched, deficient, duplicates and linked queues, the dashboard).

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { addUser, startServer } = require('./server');
const h = require('./helpers');

const TIMEOUT_MS = 180_000;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 740 };

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

const check = (t, page, name, viewport) => h.checkPage(t, page, 'console', name, viewport);

const focused = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

/**
 * Keys a mail plea with the keyboard only: the number (not on file), look up, date of birth,
 * last name, postmark, a guilty plea for charge 1, signed, then the save access key.
 */
async function keyPleaByKeyboard(page, baseURL, number, onFile) {
  await page.goto(`${baseURL}/staff/pleas/new`);
  assert.equal(await focused(page), 'citation_number', 'focus starts on the citation number');
  await page.keyboard.type(number);
  await page.keyboard.press('Tab');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const said = await page.locator('#lookup-result').innerText();
  assert.match(said, onFile ? /is on file: its charges are below/ : /No citation on file has this number yet/);
  assert.equal(await focused(page), 'date_of_birth', 'after the look-up, focus is on the next thing to key');
  await page.keyboard.type('1988-04-12');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'last_name');
  await page.keyboard.type('Hernandez');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'plate');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'channel-mail', 'mail is chosen');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'postmark_date');
  await page.keyboard.type(h.todayTyped());
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'pleas-1');
  await page.keyboard.press('g'); // Guilty
  for (let i = 0; i < 5 && (await focused(page)) !== 'signed'; i++) {
    await page.keyboard.press('Tab'); // past the other charges' pleas
  }
  assert.equal(await focused(page), 'signed');
  await page.keyboard.press('Space');
  // Synthesised key presses do not reach Chromium's access keys, so Tab on to the save button
  // (which carries Alt+S for a person) and press Enter.
  const save = page.getByRole('button', { name: /Save the plea/ });
  assert.equal(await save.getAttribute('accesskey'), 's');
  for (let i = 0; i < 30 && !(await save.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

for (const viewport of [WIDE, PHONE]) {
  test(`the clerk's case pages at ${viewport.width} px: keyboard keying, one-click link, axe-core, no horizontal scroll`, { timeout: TIMEOUT_MS }, async (t) => {
    const server = await startServer();
    const context = await browser.newContext({ locale: 'en-US', viewport, bypassCSP: true, timezoneId: 'America/Denver' });
    try {
      const password = addUser(server, 'cleo.clerk', 'clerk');
      const page = await context.newPage();
      await h.staffSignIn(page, server.baseURL, 'cleo.clerk', password);
      await check(t, page, 'dashboard', viewport);

      // Case search: the keys go in the form; one hit opens the case page.
      await page.goto(`${server.baseURL}/staff/cases`);
      assert.equal(await focused(page), 'citation_number');
      await check(t, page, 'search', viewport);
      await page.locator('#plate').fill('NO SUCH 1');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Search by plate' }).click()]);
      await page.locator('#no-results').waitFor();
      await check(t, page, 'search-none', viewport);
      await page.locator('#citation_number').fill('dv-2026-000101');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Search by number/ }).click()]);
      assert.equal(new URL(page.url()).pathname, '/staff/cases/DV-2026-000101');
      assert.doesNotMatch(page.url(), /1988|Hern/, 'no personal data in the address');
      await check(t, page, 'case', viewport);

      // Keying a plea for a number not on file, by keyboard: it waits, with suggestions.
      await keyPleaByKeyboard(page, server.baseURL, 'DV-2026-000199', false);
      assert.match(new URL(page.url()).pathname, /^\/staff\/pleas\/\d+$/);
      assert.match(await page.locator('#done').innerText(), /The paper plea was recorded/);
      assert.match(await page.locator('h1').innerText(), /Waiting for a match/);
      await check(t, page, 'plea-result-unmatched', viewport);

      // The unmatched queue: one click links the closest suggestion.
      await page.goto(`${server.baseURL}/staff/queues/unmatched`);
      await check(t, page, 'unmatched', viewport);
      assert.match(await page.evaluate(() => document.activeElement.innerText), /Link to DV-2026-000101/, 'focus on the first suggestion');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.match(await page.locator('#done').innerText(), /The plea was linked to its citation/);
      await page.locator('#queue-empty').waitFor();
      await check(t, page, 'unmatched-done', viewport);

      // A second plea for the same case: a duplicate to decide.
      await keyPleaByKeyboard(page, server.baseURL, 'DV-2026-000101', true);
      assert.match(await page.locator('h1').innerText(), /Linked, as a duplicate/);
      await check(t, page, 'plea-result-duplicate', viewport);
      await page.goto(`${server.baseURL}/staff/queues/duplicates`);
      await check(t, page, 'duplicates', viewport);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Keep the plea applied/ }).click()]);
      assert.match(await page.locator('#done').innerText(), /The decision was recorded/);

      for (const [name, url] of [
        ['deficient', '/staff/queues/deficient'],
        ['linked', '/staff/queues/linked'],
        ['plea-new', '/staff/pleas/new'],
        ['case-after', '/staff/cases/DV-2026-000101'],
        ['dashboard-after', '/staff'],
      ]) {
        await page.goto(`${server.baseURL}${url}`);
        await check(t, page, name, viewport);
      }
    } finally {
      await context.close();
      await server.stop();
    }
  });
}
