'use strict';
// Unable to pay, in Spanish, on a 360×740 phone screen: after a guilty plea the status page (with
// its plain-language timeline and letters) offers the request; the request form, its errors, and
// the status page once it is sent — each page axe-clean (WCAG 2.1 A/AA) with no horizontal scroll.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { startServer } = require('./server');
const h = require('./helpers');

const TIMEOUT_MS = 120_000;
const VIEWPORT = { width: 360, height: 740 };

// Written out here, not read from the i18n files, so a wrong or missing translation fails.
const ES = {
  ask: 'Pedir más tiempo, un plan de pagos o servicio comunitario',
  send: 'Enviar mi solicitud',
  kindError: 'Elija qué pide.',
  statementError: 'Explique al tribunal en pocas palabras por qué no puede pagar.',
  plan: 'Un plan de pagos',
  sent: 'Recibimos su solicitud. El tribunal le responderá por carta.',
  asked: 'Usted pidió al tribunal un plan de pagos.',
  plea: 'Recibimos su declaración.',
  due: 'Se fijó la cantidad a pagar.',
  letter: 'Le enviamos una carta: declaración recibida.',
};

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a Spanish request for a payment plan from the status page, at 360 px', { timeout: TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  // bypassCSP only for axe-core's inlined script (see a11y.test.js).
  const context = await browser.newContext({ locale: 'en-US', viewport: VIEWPORT, bypassCSP: true });
  const seen = h.track(context);
  try {
    const page = await context.newPage();
    const person = h.PEOPLE.maria;
    await h.wholeFlow(page, server.baseURL, { lang: 'es', person, pleas: ['guilty'], files: [] });
    const timeline = await page.locator('.usa-process-list').innerText();
    for (const line of [ES.plea, ES.due, ES.letter]) assert.ok(timeline.includes(line), `timeline says "${line}":\n${timeline}`);
    await h.checkPage(t, page, 'hardship', 'status-es', VIEWPORT);

    let response = await h.navigate(page, () => page.getByRole('link', { name: ES.ask, exact: true }).click());
    await h.expectPage(page, response, { path: '/status/hardship', status: 200, heading: ES.ask, lang: 'es' });
    await h.checkPage(t, page, 'hardship', 'form-es', VIEWPORT);

    response = await h.navigate(page, () => page.getByRole('button', { name: ES.send, exact: true }).click());
    await h.expectPage(page, response, { path: '/status/hardship', status: 422, heading: ES.ask, lang: 'es' });
    assert.equal(await page.locator('#kind-error').innerText(), ES.kindError);
    assert.equal(await page.locator('#statement-error').innerText(), ES.statementError);
    await h.checkPage(t, page, 'hardship', 'form-error-es', VIEWPORT);

    const plan = page.locator('label[for="kind-payment_plan"]');
    assert.ok((await plan.innerText()).startsWith(ES.plan));
    await plan.click();
    await page.fill('#statement', 'Perdí mi trabajo. Puedo pagar 40 dólares al mes.');
    response = await h.navigate(page, () => page.getByRole('button', { name: ES.send, exact: true }).click());
    await h.expectPage(page, response, { path: '/status/case', status: 200, lang: 'es' });
    assert.equal(await page.locator('#hardship-notice').innerText(), ES.sent);
    assert.ok((await page.locator('.usa-process-list').innerText()).includes(ES.asked));
    assert.equal(await page.getByRole('link', { name: ES.ask, exact: true }).count(), 0, 'one request at a time');
    await h.checkPage(t, page, 'hardship', 'status-sent-es', VIEWPORT);

    h.assertNoPersonalDataInUrls(seen, person);
    h.assertNoProblems(seen);
  } finally {
    await context.close();
    await server.stop();
  }
});
