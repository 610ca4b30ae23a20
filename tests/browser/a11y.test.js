'use strict';
// Every page of the path, in English and in Spanish, on a 360×740 phone screen: a full-page
// screenshot in target/browser-screenshots/<name>-<lang>.png, axe-core (WCAG 2.0/2.1 A and AA)
// with no violations, and no horizontal scrolling.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { startServer } = require('./server');
const h = require('./helpers');

const TIMEOUT_MS = 90_000;

const VIEWPORT = { width: 360, height: 740 };

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

for (const lang of ['en', 'es']) {
  test(`every page in ${lang === 'en' ? 'English' : 'Spanish'} at 360 px: axe-core and no horizontal scroll`, { timeout: TIMEOUT_MS }, async (t) => {
    const server = await startServer();
    // bypassCSP only here, for the axe checks: addScriptTag({path}) inlines axe-core, which the
    // pages' strict Content-Security-Policy would block. The flow tests keep the CSP on and
    // fail on any CSP violation.
    const context = await browser.newContext({ locale: 'en-US', viewport: VIEWPORT, bypassCSP: true });
    try {
      const page = await context.newPage();
      const person = h.PEOPLE.jose;
      const w = h.WORDS[lang];
      const checked = [];

      /** Screenshot, then axe and width as two subtests (a failure does not stop the walk). */
      const checkPage = async (name) => {
        const shot = `${name}-${lang}`;
        checked.push(shot);
        const file = await h.screenshot(page, shot);
        t.diagnostic(`screenshot ${file}`);
        await t.test(`${shot}: axe-core finds no WCAG 2.1 A/AA violation`, async () => {
          const violations = await h.axeViolations(page);
          if (violations.length) console.log(`axe violations on ${shot} (${page.url()}):\n${h.formatViolations(violations)}`);
          assert.equal(violations.length, 0, `axe violations on ${shot}:\n${h.formatViolations(violations)}`);
        });
        await t.test(`${shot}: no horizontal scroll at 360 px`, async () => {
          const o = await h.horizontalOverflow(page);
          assert.ok(
            o.scrollWidth <= VIEWPORT.width,
            `document is ${o.scrollWidth}px wide at a ${VIEWPORT.width}px viewport; sticking out: ${o.wide.join(', ')}`,
          );
        });
      };

      await h.openStart(page, server.baseURL, lang);
      await checkPage('start');
      await h.openLookup(page, lang);
      await checkPage('lookup');

      // Look-up error state: the date of birth left empty.
      await page.fill('#citation_number', person.citation);
      let response = await h.navigate(page, () => page.getByRole('button', { name: w.continue, exact: true }).click());
      await h.expectPage(page, response, { status: 422, heading: w.lookup_title, lang });
      assert.equal(await page.locator('#date_of_birth-error').count(), 1, 'date of birth error shown');
      await checkPage('lookup-error');

      await h.fillDob(page, person.dob);
      const caseResponse = await h.navigate(page, () => page.getByRole('button', { name: w.continue, exact: true }).click());
      await h.expectPage(page, caseResponse, { status: 200, heading: `${w.case_title} ${person.citation}`, lang });
      await checkPage('case');
      await h.answerByMail(page, lang, person, caseResponse);
      await checkPage('plea');

      // Plea form error state: nothing chosen, box not checked.
      await page.fill('#statement', 'Statement typed before the error.');
      response = await h.pressReview(page, lang);
      await h.expectPage(page, response, { status: 422, heading: w.plea_title, lang });
      assert.equal(await page.locator('#attest-error').count(), 1, 'attest error shown');
      await checkPage('plea-error');

      await h.fillPlea(page, { pleas: ['guilty', 'not_guilty'], files: [h.pngFile()], signature: person.name });
      response = await h.pressReview(page, lang);
      await h.expectReview(page, lang, response, { pleas: ['guilty', 'not_guilty'], files: 1, signature: person.name });
      await checkPage('review');
      const code = await h.submitPlea(page, lang);
      await checkPage('confirmation');

      response = await h.navigate(page, () => page.getByRole('link', { name: w.status_title, exact: true }).click());
      await h.expectPage(page, response, { path: '/status', status: 200, heading: w.status_title, lang });
      await checkPage('status-form');
      await page.fill('#confirmation', code);
      await h.fillDob(page, person.dob);
      response = await h.navigate(page, () => page.getByRole('button', { name: w.continue, exact: true }).click());
      await h.expectPage(page, response, { status: 200, heading: `${w.status_title} · ${person.citation}`, lang });
      await checkPage('status');

      assert.equal(checked.length, 10, `pages checked: ${checked.join(', ')}`);
    } finally {
      await context.close();
      await server.stop();
    }
  });
}
