'use strict';
// Offers in a real browser (issue 9), at 1280 px and at 360 px: the prosecutor follows the
// dashboard to the queue of requests for an offer, opens the case's review and makes an offer
// (a bad fine named next to its field first); the resident then opens the status page in
// Spanish, sees the offer beside the charges, and accepts it on its confirm page — every page
// axe-clean and without horizontal scrolling, no JavaScript needed.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { addUser, startServer } = require('./server');
const h = require('./helpers');

const TIMEOUT_MS = 180_000;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 740 };
const NUMBER = 'DV-2026-000109'; // Sofía Castillo, letters in Spanish, one $100.00 charge
const DOB = { month: '10', day: '10', year: '1999' };

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The resident asks for an offer online (the public API); returns the confirmation code. */
async function requestOffer(baseURL) {
  const body = {
    citation_number: NUMBER, date_of_birth: '1999-10-10', pleas: [{ charge_seq: 1, plea: 'request_offer' }],
    language: 'es', signature_name: 'Sofía Castillo', attest: true,
  };
  const r = await fetch(`${baseURL}/api/v1/public/pleas`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text).confirmation;
}

async function signIn(page, baseURL, name, password) {
  await page.goto(`${baseURL}/staff/sign-in`);
  await page.locator('#username').fill(name);
  await page.locator('#password').fill(password);
  await h.navigate(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

async function makeOffer(t, page, baseURL, viewport) {
  const check = (name) => h.checkPage(t, page, 'offers', name, viewport);
  await page.goto(`${baseURL}/staff`);
  await h.navigate(page, () => page.locator('#offer-queue a').click());
  assert.equal(h.pathOf(page), '/staff/queues/offers');
  await check('queue');
  await h.navigate(page, () => page.getByRole('link', { name: NUMBER }).click());
  assert.equal(h.pathOf(page), `/staff/cases/${NUMBER}/offer`);
  await check('review');
  await page.locator('#charges-0-offense_code').selectOption('42-4-202');
  await page.locator('#charges-0-fine_cents').fill('fifty');
  await page.locator('#charges-0-points').fill('0');
  await h.navigate(page, () => page.getByRole('button', { name: 'Make the offer' }).click());
  assert.match(await page.locator('#charges-0-fine_cents-error').innerText(), /dollars/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  await check('errors');
  await page.locator('#charges-0-fine_cents').fill('50.00');
  await h.navigate(page, () => page.getByRole('button', { name: 'Make the offer' }).click());
  assert.match(await page.locator('#done').innerText(), /The offer was made/);
  assert.match(await page.locator('#pending-title').innerText(), /pending until/);
  await check('made');
}

async function acceptInSpanish(t, page, baseURL, code, viewport) {
  const check = (name) => h.checkPage(t, page, 'offers', name, viewport);
  await page.goto(`${baseURL}/status?lang=es`);
  await page.fill('#confirmation', code);
  await h.fillDob(page, DOB);
  await h.navigate(page, () => page.getByRole('button', { name: 'Continuar', exact: true }).click());
  assert.equal(h.pathOf(page), '/status/case');
  const offer = await page.locator('#offer').innerText();
  for (const words of ['El fiscal le hizo una oferta', 'Faro defectuoso', '$50.00', '$100.00', 'Cantidad a pagar si acepta']) {
    assert.ok(offer.includes(words), `the offer should say "${words}":\n${offer}`);
  }
  await check('status-es');
  await h.navigate(page, () => page.getByRole('link', { name: 'Aceptar la oferta' }).click());
  assert.match(h.pathOf(page), /^\/status\/offer\/\d+\/accept$/);
  await check('accept-es');
  await h.navigate(page, () => page.getByRole('button', { name: 'Sí, acepto la oferta' }).click());
  assert.equal(h.pathOf(page), '/status/case');
  assert.match(await page.locator('#offer-notice').innerText(), /Usted aceptó la oferta/);
  assert.equal(await page.locator('#offer').count(), 0);
  await check('accepted-es');
}

for (const viewport of [WIDE, PHONE]) {
  test(`offers at ${viewport.width} px: the prosecutor's queue and offer, accepted online in Spanish; axe-core`, { timeout: TIMEOUT_MS }, async (t) => {
    const server = await startServer();
    const staff = await browser.newContext({ locale: 'en-US', viewport, bypassCSP: true, timezoneId: 'America/Denver' });
    const resident = await browser.newContext({ locale: 'es-US', viewport, bypassCSP: true, timezoneId: 'America/Denver' });
    try {
      const code = await requestOffer(server.baseURL);
      const password = addUser(server, 'pia.prosecutor', 'prosecutor');
      const page = await staff.newPage();
      await signIn(page, server.baseURL, 'pia.prosecutor', password);
      await makeOffer(t, page, server.baseURL, viewport);
      await acceptInSpanish(t, await resident.newPage(), server.baseURL, code, viewport);
    } finally {
      await staff.close();
      await resident.close();
      await server.stop();
    }
  });
}
