'use strict';
// The resident's whole path in a real browser: in English, in Spanish, and with JavaScript off.

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

/** A fresh server and browser context for one test; closes both afterwards. */
async function withServer(contextOptions, body) {
  const server = await startServer();
  const context = await browser.newContext({ locale: 'en-US', ...contextOptions });
  const seen = h.track(context);
  try {
    const page = await context.newPage();
    await h.reportingLeaks(seen, () => body(page, server.baseURL, seen));
  } finally {
    await context.close();
    await server.stop();
  }
}

test('whole flow in English: look up, plead with a PNG, review, change, submit, receipt, status', { timeout: TIMEOUT_MS }, async () => {
  await withServer({}, async (page, baseURL, seen) => {
    const person = h.PEOPLE.james;
    const lang = 'en';
    const w = h.WORDS.en;
    const statement = 'The stop sign was hidden by a tree branch. Photo attached.';
    await h.openStart(page, baseURL, lang);
    await h.openLookup(page, lang);
    const caseResponse = await h.submitLookup(page, lang, person.citation, person.dob);
    await h.answerByMail(page, lang, person, caseResponse);
    await h.fillPlea(page, { pleas: ['not_guilty'], statement, files: [h.pngFile()], signature: person.name });
    let response = await h.pressReview(page, lang);
    await h.expectReview(page, lang, response, { pleas: ['not_guilty'], statement, files: 1, signature: person.name });

    // "Change" goes back to the form with everything kept, including the uploaded file.
    response = await h.navigate(page, () => page.getByRole('link', { name: w.change, exact: true }).click());
    await h.expectPage(page, response, { path: '/plea', status: 200, heading: w.plea_title, lang });
    assert.equal(await page.inputValue('#statement'), statement, 'statement kept after Change');
    assert.equal(await page.isChecked('#plea-1-not_guilty'), true, 'plea kept after Change');
    assert.equal(await page.inputValue('#signature_name'), person.name, 'signature kept after Change');
    assert.equal(await page.isChecked('#attest'), true, 'attest kept after Change');
    assert.ok((await page.locator('#plea-form').innerText()).includes(w.evidence_kept), 'the uploaded file is listed as kept');
    await h.choosePlea(page, 1, 'request_offer');
    response = await h.pressReview(page, lang);
    await h.expectReview(page, lang, response, { pleas: ['request_offer'], statement, files: 1, signature: person.name });

    const code = await h.submitPlea(page, lang);
    await h.downloadPdf(page, page.getByRole('button', { name: w.download_receipt, exact: true }));
    await h.checkStatus(page, lang, person, code);
    await h.downloadPdf(page, page.locator('.pd-letter button').first());

    h.assertNoPersonalDataInUrls(seen, person, [code]);
    h.assertNoProblems(seen);
  });
});

test('whole flow in Spanish: language chosen on the start page and kept on every page', { timeout: TIMEOUT_MS }, async () => {
  await withServer({}, async (page, baseURL, seen) => {
    const person = h.PEOPLE.jose;
    const lang = 'es';
    const w = h.WORDS.es;
    const statement = 'No vi la señal porque estaba tapada. Adjunto el recibo de la reparación.';
    await h.openStart(page, baseURL, lang); // clicks "Español"
    await h.openLookup(page, lang); // "Busque su multa"
    const caseResponse = await h.submitLookup(page, lang, person.citation, person.dob);
    await h.answerByMail(page, lang, person, caseResponse); // "Su multa …", "Responder por correo", "Su declaración"
    const charge = await page.locator('#pleas-1 legend').innerText();
    assert.match(charge, /^Cargo 1: /, 'charges are labelled in Spanish');

    // Switching language on a POST page (a button) keeps what was typed and chosen.
    await h.choosePlea(page, 1, 'guilty');
    await page.fill('#statement', statement);
    let response = await h.navigate(page, () => page.getByRole('button', { name: 'English', exact: true }).click());
    await h.expectPage(page, response, { status: 200, heading: h.WORDS.en.plea_title, lang: 'en' });
    assert.equal(await page.inputValue('#statement'), statement, 'statement kept across the language switch');
    assert.equal(await page.isChecked('#plea-1-guilty'), true, 'plea kept across the language switch');
    response = await h.navigate(page, () => page.getByRole('button', { name: 'Español', exact: true }).click());
    await h.expectPage(page, response, { status: 200, heading: w.plea_title, lang: 'es' });

    await h.fillPlea(page, { pleas: ['guilty', 'no_contest'], files: [h.pdfFile()], signature: person.name });
    response = await h.pressReview(page, lang); // "Revisar mi declaración"
    await h.expectReview(page, lang, response, { pleas: ['guilty', 'no_contest'], statement, files: 1, signature: person.name });
    const code = await h.submitPlea(page, lang); // "Recibimos su declaración"
    assert.ok((await page.locator('main').innerText()).includes('Su código de confirmación'), 'confirmation page in Spanish');
    await h.downloadPdf(page, page.getByRole('button', { name: w.download_receipt, exact: true }));
    await h.checkStatus(page, lang, person, code); // "Consulte su estado", "Recibimos su declaración."
    assert.ok((await page.locator('.pd-letter').first().innerText()).includes('Declaración recibida'), 'letter named in Spanish');
    await h.downloadPdf(page, page.getByRole('button', { name: w.download, exact: true }).first());

    h.assertNoPersonalDataInUrls(seen, person, [code]);
    h.assertNoProblems(seen);
  });
});

test('whole flow with JavaScript disabled (the pages need none)', { timeout: TIMEOUT_MS }, async () => {
  await withServer({ javaScriptEnabled: false }, async (page, baseURL, seen) => {
    // Proof that scripting is off in this context: <noscript> content is parsed as elements.
    await page.setContent('<noscript><p id="no-js">off</p></noscript>');
    assert.equal(await page.locator('#no-js').count(), 1, 'JavaScript should be disabled');
    const person = h.PEOPLE.maria;
    const pages = [];
    const code = await h.wholeFlow(page, baseURL, {
      lang: 'en',
      person,
      pleas: ['no_contest'],
      statement: 'I could not pay the full fine at once; I ask for a payment plan.',
      files: [h.pdfFile(), h.pngFile()],
      onPage: async (name) => {
        pages.push(name);
        assert.equal(await page.locator('script').count(), 0, `no <script> on the ${name} page`);
      },
    });
    assert.deepEqual(pages, ['start', 'lookup', 'case', 'plea', 'review', 'confirmation', 'status']);
    assert.match(code, h.CODE);
    h.assertNoPersonalDataInUrls(seen, person, [code]);
    h.assertNoProblems(seen);
  });
});
