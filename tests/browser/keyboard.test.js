'use strict';
// Keyboard only: from the look-up page to the confirmation page with Tab, Space, arrow keys,
// Enter and typing — no clicks, no fill(). The page is only read (which element has focus).

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { startServer } = require('./server');
const h = require('./helpers');

const TIMEOUT_MS = 90_000;

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** What has focus, as "tag#id" (or "tag.class" / text for elements without an id). */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const id = el.id ? `#${el.id}` : '';
    const text = el.id ? '' : ` "${(el.textContent || '').trim().slice(0, 40)}"`;
    return `${el.tagName.toLowerCase()}${id}${text}`;
  });
}

/**
 * Presses Tab until `selector` has focus; fails if it is not reached in `max` presses.
 * Also checks that every control reached shows a focus indicator (WCAG 2.4.7).
 */
async function tabTo(page, selector, max = 60) {
  const path = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    path.push(await focused(page));
    const state = await page.evaluate((sel) => {
      const el = document.activeElement;
      if (!el || el === document.body) return { matches: false, indicator: true };
      // USWDS draws the focus ring of radios and checkboxes on the label's ::before box.
      const target =
        el.matches('.usa-radio__input, .usa-checkbox__input') && el.labels && el.labels[0]
          ? getComputedStyle(el.labels[0], '::before')
          : getComputedStyle(el);
      const indicator = (target.outlineStyle !== 'none' && parseFloat(target.outlineWidth) > 0) || target.boxShadow !== 'none';
      return { matches: el.matches(sel), indicator };
    }, selector);
    assert.ok(state.indicator, `no visible focus indicator on ${path[path.length - 1]}`);
    if (state.matches) return;
  }
  assert.fail(`could not reach ${selector} with ${max} Tab presses; focus went: ${path.join(' → ')}`);
}

async function pressAndWait(page, key) {
  return h.navigate(page, () => page.keyboard.press(key));
}

test('keyboard only: look-up form to confirmation page', { timeout: TIMEOUT_MS }, async () => {
  const server = await startServer();
  const context = await browser.newContext({ locale: 'en-US' });
  const seen = h.track(context);
  try {
    const page = await context.newPage();
    const person = h.PEOPLE.jose; // two charges: one chosen with Space, one with the arrow keys
    const w = h.WORDS.en;
    let response = await page.goto(`${server.baseURL}/lookup`);
    await h.expectPage(page, response, { status: 200, heading: w.lookup_title });

    // The first Tab reaches the skip link, and Enter on it moves to the main content.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'usa-skipnav', 'first Tab: the skip link');
    await page.keyboard.press('Enter');
    assert.equal(new URL(page.url()).hash, '#main-content', 'skip link followed');

    await tabTo(page, '#citation_number');
    await page.keyboard.type(person.citation);
    await tabTo(page, '#date_of_birth-month');
    await page.keyboard.type(person.dob.month);
    await tabTo(page, '#date_of_birth-day');
    await page.keyboard.type(person.dob.day);
    await tabTo(page, '#date_of_birth-year');
    await page.keyboard.type(person.dob.year);
    response = await pressAndWait(page, 'Enter'); // implicit submission from the last box
    await h.expectPage(page, response, { path: '/case', status: 200, heading: `${w.case_title} ${person.citation}` });

    await tabTo(page, 'a.usa-button[href="/plea"]');
    response = await pressAndWait(page, 'Enter');
    await h.expectPage(page, response, { path: '/plea', status: 200, heading: w.plea_title });

    // Charge 1: Tab into the group (focus on the first radio), Space chooses it.
    await tabTo(page, '#plea-1-guilty');
    await page.keyboard.press('Space');
    assert.equal(await page.isChecked('#plea-1-guilty'), true, 'Space chose "Guilty" for charge 1');
    // Charge 2: Tab leaves group 1 and enters group 2; arrows move and choose.
    await tabTo(page, '#plea-2-guilty');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.isChecked('#plea-2-not_guilty'), true, 'ArrowDown twice chose "Not guilty" for charge 2');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.isChecked('#plea-2-no_contest'), true, 'ArrowUp chose "No contest" for charge 2');
    assert.equal(await page.isChecked('#plea-1-guilty'), true, 'charge 1 unchanged');

    const statement = 'Typed with the keyboard only.';
    await tabTo(page, '#statement');
    await page.keyboard.type(statement);
    // The letters' language: a select changed with the arrow keys.
    await tabTo(page, '#language');
    const before = await page.inputValue('#language');
    await page.keyboard.press(before === 'en' ? 'ArrowDown' : 'ArrowUp');
    const chosenLanguage = await page.inputValue('#language');
    assert.notEqual(chosenLanguage, before, 'the arrow key changed the language select');
    await tabTo(page, '#signature_name');
    await page.keyboard.type(person.name);
    await tabTo(page, '#attest');
    await page.keyboard.press('Space');
    assert.equal(await page.isChecked('#attest'), true, 'Space checked the attest box');
    await tabTo(page, '#plea-form button.usa-button--big');
    response = await pressAndWait(page, 'Enter');
    await h.expectReview(page, 'en', response, { pleas: ['guilty', 'no_contest'], statement, signature: person.name });

    await tabTo(page, '#review-form button.usa-button--big');
    assert.equal((await page.evaluate(() => document.activeElement.textContent)).trim(), w.submit_button);
    response = await pressAndWait(page, 'Enter');
    await h.expectPage(page, response, { path: '/plea/confirmation', status: 200, heading: w.confirm_title });
    assert.match((await page.locator('#confirmation-code').innerText()).trim(), h.CODE);
    h.assertNoPersonalDataInUrls(seen, person);
    h.assertNoProblems(seen);
  } finally {
    await context.close();
    await server.stop();
  }
});
