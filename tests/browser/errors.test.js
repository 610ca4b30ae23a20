'use strict';
// Errors shown to the resident: next to the fields, in a summary at the top, with what was
// typed kept.

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

async function withPage(body) {
  const server = await startServer();
  const context = await browser.newContext({ locale: 'en-US' });
  const seen = h.track(context);
  try {
    const page = await context.newPage();
    await h.reportingLeaks(seen, () => body(page, server.baseURL, seen));
  } finally {
    await context.close();
    await server.stop();
  }
}

/** Every link of the error summary points at an element of the page. */
async function expectSummaryLinks(page, expected) {
  const summary = page.locator('.usa-alert--error');
  assert.equal(await summary.count(), 1, 'one error summary');
  assert.equal(await summary.getAttribute('role'), 'alert', 'the summary is announced');
  assert.equal((await summary.locator('h2').innerText()).trim(), h.WORDS.en.errors_title);
  const hrefs = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual([...hrefs].sort(), [...expected].sort(), 'error summary links');
  for (const href of hrefs) {
    assert.equal(await page.locator(href).count(), 1, `summary link ${href} points at an element`);
  }
}

/** The error message `#<id>-error` is shown inside `container` and is not empty. */
async function expectFieldError(page, container, id) {
  const error = page.locator(`${container} #${id}-error.usa-error-message`);
  assert.equal(await error.count(), 1, `error message #${id}-error inside ${container}`);
  assert.ok(await error.isVisible(), `#${id}-error is visible`);
  assert.notEqual((await error.innerText()).trim(), '', `#${id}-error has text`);
}

test('look-up with a wrong date of birth: error shown, citation number and date kept', { timeout: TIMEOUT_MS }, async () => {
  await withPage(async (page, baseURL, seen) => {
    const person = h.PEOPLE.james;
    const wrong = { year: '1980', month: '1', day: '2' };
    let response = await page.goto(`${baseURL}/lookup`);
    await h.expectPage(page, response, { status: 200, heading: h.WORDS.en.lookup_title });
    response = await h.submitLookup(page, 'en', person.citation, wrong);
    assert.ok(response.status() >= 400 && response.status() < 500, `status ${response.status()} should be 4xx`);
    // The look-up answers with a redirect back to its form (a GET: reload resends nothing).
    await h.expectPage(page, response, { path: '/lookup', heading: h.WORDS.en.lookup_title });
    const alert = page.locator('.usa-alert--error');
    assert.equal(await alert.count(), 1, 'an error alert is shown');
    assert.ok(await alert.isVisible(), 'the error alert is visible');
    assert.ok((await alert.innerText()).trim().length > 10, 'the error alert says what is wrong');
    assert.equal(await page.inputValue('#citation_number'), person.citation, 'citation number kept');
    assert.equal(await page.inputValue('#date_of_birth-month'), wrong.month, 'month kept');
    assert.equal(await page.inputValue('#date_of_birth-day'), wrong.day, 'day kept');
    assert.equal(await page.inputValue('#date_of_birth-year'), wrong.year, 'year kept');

    // Correcting the date then works from the same form.
    await h.fillDob(page, person.dob);
    response = await h.navigate(page, () => page.getByRole('button', { name: h.WORDS.en.continue, exact: true }).click());
    await h.expectPage(page, response, { path: '/case', status: 200, heading: `${h.WORDS.en.case_title} ${person.citation}` });
    h.assertNoPersonalDataInUrls(seen, person);
    h.assertNoProblems(seen);
  });
});

test('look-up with nothing typed: errors next to both fields, linked from the summary', { timeout: TIMEOUT_MS }, async () => {
  await withPage(async (page, baseURL) => {
    await page.goto(`${baseURL}/lookup`);
    const response = await h.navigate(page, () => page.getByRole('button', { name: h.WORDS.en.continue, exact: true }).click());
    assert.equal(response.status(), 422);
    await expectFieldError(page, '.usa-form-group--error', 'citation_number');
    await expectFieldError(page, '#date_of_birth', 'date_of_birth');
    await expectSummaryLinks(page, ['#citation_number', '#date_of_birth']);
    // The citation input points screen readers at its error.
    const describedBy = (await page.getAttribute('#citation_number', 'aria-describedby')) || '';
    assert.ok(describedBy.split(/\s+/).includes('citation_number-error'), `aria-describedby="${describedBy}" names the error`);
  });
});

test('plea form without pleas and without the attest box: errors next to them, statement kept', { timeout: TIMEOUT_MS }, async () => {
  await withPage(async (page, baseURL, seen) => {
    const person = h.PEOPLE.jose; // two charges
    const w = h.WORDS.en;
    const statement = 'I was driving my sister to the hospital — ¡era urgente!';
    await page.goto(`${baseURL}/lookup`);
    const caseResponse = await h.submitLookup(page, 'en', person.citation, person.dob);
    await h.answerByMail(page, 'en', person, caseResponse);
    await page.fill('#statement', statement);
    await page.fill('#signature_name', person.name);
    let response = await h.pressReview(page, 'en');
    assert.equal(response.status(), 422, 'the form is shown again as unprocessable');
    await h.expectPage(page, response, { path: '/plea', heading: w.plea_title });

    await expectFieldError(page, 'fieldset#pleas-1.usa-form-group--error', 'pleas-1');
    await expectFieldError(page, 'fieldset#pleas-2.usa-form-group--error', 'pleas-2');
    await expectFieldError(page, '#attest-group.usa-form-group--error', 'attest');
    await expectSummaryLinks(page, ['#pleas-1', '#pleas-2', '#attest']);
    assert.equal(await page.locator('#signature_name-error').count(), 0, 'no error on the signature that was typed');
    assert.equal(await page.inputValue('#statement'), statement, 'statement kept');
    assert.equal(await page.inputValue('#signature_name'), person.name, 'signature kept');

    // Fixing the errors then leads to the review page.
    await h.choosePlea(page, 1, 'guilty');
    await h.choosePlea(page, 2, 'request_offer');
    await h.attest(page);
    response = await h.pressReview(page, 'en');
    await h.expectReview(page, 'en', response, { pleas: ['guilty', 'request_offer'], statement, signature: person.name });
    h.assertNoPersonalDataInUrls(seen, person);
    h.assertNoProblems(seen);
  });
});

test('a ticket with a must-appear charge cannot be answered by mail', { timeout: TIMEOUT_MS }, async () => {
  await withPage(async (page, baseURL) => {
    const person = h.PEOPLE.mustAppear;
    await page.goto(`${baseURL}/lookup`);
    const response = await h.submitLookup(page, 'en', person.citation, person.dob);
    await h.expectPage(page, response, { path: '/case', status: 200, heading: `${h.WORDS.en.case_title} ${person.citation}` });
    const warning = page.locator('#not-eligible');
    assert.ok((await warning.innerText()).includes(h.WORDS.en.not_eligible), 'the page says it cannot be answered by mail');
    // And when and where to appear instead.
    const appear = await page.getByRole('region', { name: 'You must come to court' }).innerText();
    assert.ok(appear.includes('8:30 a.m.') && appear.includes('interpreter'), `the court date, time and help; got:\n${appear}`);
    assert.equal(await page.getByRole('link', { name: h.WORDS.en.answer_button }).count(), 0, 'no "Answer by mail" link');
  });
});
