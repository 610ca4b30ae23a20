'use strict';
// The language switch on every page (a link on GET pages, a `switch_lang` button on POST pages),
// and Spanish pages with no English left on them.

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

/** The switch to `to` on the current page: a link on GET pages, a button on POST pages. */
function switchControl(page, to) {
  const name = to === 'es' ? 'Español' : 'English';
  return page.locator(`header a[href="?lang=${to}"], header button[name="switch_lang"][value="${to}"]`).filter({ hasText: name });
}

test('every page offers a language switch, and it keeps the resident on the same page', { timeout: TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  const context = await browser.newContext({ locale: 'en-US' });
  const seen = h.track(context);
  try {
    const page = await context.newPage();
    const person = h.PEOPLE.james;
    const en = h.WORDS.en;
    const es = h.WORDS.es;

    /** On the current page (heading `enHeading`): switch to Spanish and back, as a subtest. */
    const roundTrip = async (name, enHeading, esHeading) => {
      await t.test(`${name}: switch to Español and back to English`, async () => {
        const toEs = switchControl(page, 'es');
        assert.equal(await toEs.count(), 1, `the ${name} page has a language switch to Español in its header`);
        assert.equal(await toEs.getAttribute('lang'), 'es', 'the switch is marked lang="es"');
        let response = await h.navigate(page, () => toEs.click());
        await h.expectPage(page, response, { status: 200, heading: esHeading, lang: 'es' });
        response = await h.navigate(page, () => switchControl(page, 'en').click());
        await h.expectPage(page, response, { status: 200, heading: enHeading, lang: 'en' });
      });
    };

    await h.openStart(page, server.baseURL, 'en');
    await roundTrip('start', en.start_title, es.start_title);
    await h.openLookup(page, 'en');
    await roundTrip('lookup', en.lookup_title, es.lookup_title);
    const caseResponse = await h.submitLookup(page, 'en', person.citation, person.dob);
    await h.expectPage(page, caseResponse, { path: '/case', status: 200 });
    await roundTrip('case', `${en.case_title} ${person.citation}`, `${es.case_title} ${person.citation}`);
    await h.answerByMail(page, 'en', person, caseResponse);
    await roundTrip('plea', en.plea_title, es.plea_title);
    await h.fillPlea(page, { pleas: ['guilty'], signature: person.name });
    let response = await h.pressReview(page, 'en');
    await h.expectReview(page, 'en', response, { pleas: ['guilty'], signature: person.name });
    await roundTrip('review', en.review_title, es.review_title);
    const code = await h.submitPlea(page, 'en');
    await roundTrip('confirmation', en.confirm_title, es.confirm_title);
    response = await h.navigate(page, () => page.getByRole('link', { name: en.status_title, exact: true }).click());
    await h.expectPage(page, response, { path: '/status', status: 200, heading: en.status_title, lang: 'en' });
    await roundTrip('status-form', en.status_title, es.status_title);
    await page.fill('#confirmation', code);
    await h.fillDob(page, person.dob);
    response = await h.navigate(page, () => page.getByRole('button', { name: en.continue, exact: true }).click());
    await h.expectPage(page, response, { status: 200, heading: `${en.status_title} · ${person.citation}`, lang: 'en' });
    await roundTrip('status', `${en.status_title} · ${person.citation}`, `${es.status_title} · ${person.citation}`);

    h.assertNoPersonalDataInUrls(seen, person, [code]);
  } finally {
    await context.close();
    await server.stop();
  }
});

test('Spanish pages have no English in the footer (the court hours)', { timeout: TIMEOUT_MS }, async () => {
  const server = await startServer();
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await h.openStart(page, server.baseURL, 'es');
    for (const path of ['/', '/lookup', '/status']) {
      await page.goto(`${server.baseURL}${path}`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'es', `${path} is in Spanish (cookie kept)`);
      const footer = (await page.locator('footer').innerText()).replace(/\s+/g, ' ').trim();
      assert.doesNotMatch(
        footer,
        /\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b/,
        `the Spanish footer of ${path} shows the court hours in English: "${footer}"`,
      );
    }
  } finally {
    await context.close();
    await server.stop();
  }
});
