'use strict';
// Payments in the console in a real browser, at 1280 px and at 360 px: the "Record a payment"
// form on the case page (a bad amount and a missing check number named next to their fields,
// what was typed kept), a payment recorded and the balance after it, a reversal confirmed with a
// reason, and an overpaid case in the refunds queue and on the dashboard — every page axe-clean
// and without horizontal scrolling.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { addUser, startServer } = require('./server');
const h = require('./helpers');

const TIMEOUT_MS = 180_000;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 740 };
const NUMBER = 'DV-2026-000102'; // $100.00 due once pleaded guilty

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

const check = (t, page, name, viewport) => h.checkPage(t, page, 'console', name, viewport);

async function record(page, { amount, method, reference }) {
  await page.locator('#pay-amount_cents').fill(amount);
  await page.locator('#pay-method').selectOption(method);
  await page.locator('#pay-reference').fill(reference);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Record the payment' }).click()]);
}

for (const viewport of [WIDE, PHONE]) {
  test(`payments in the console at ${viewport.width} px: record, errors by field, reverse, refunds; axe-core`, { timeout: TIMEOUT_MS }, async (t) => {
    const server = await startServer();
    const context = await browser.newContext({ locale: 'en-US', viewport, bypassCSP: true, timezoneId: 'America/Denver' });
    try {
      await h.pleadGuiltyOnline(server.baseURL, NUMBER, '1975-11-30', "James O'Connor");
      const password = addUser(server, 'pat.clerk', 'clerk');
      const page = await context.newPage();
      await h.staffSignIn(page, server.baseURL, 'pat.clerk', password);
      await page.goto(`${server.baseURL}/staff/cases/${NUMBER}`);
      assert.match(await page.locator('#balance-owed').innerText(), /\$100\.00/);
      await check(t, page, 'case-payment-form', viewport);

      // Wrong: each error next to its field, what was typed kept.
      await record(page, { amount: '12,50', method: 'check', reference: '' });
      assert.equal(h.pathOf(page), `/staff/cases/${NUMBER}/payments`);
      assert.match(await page.locator('#pay-amount_cents-error').innerText(), /not an amount in dollars/);
      assert.match(await page.locator('#pay-reference-error').innerText(), /needs the check number/);
      assert.equal(await page.locator('#pay-amount_cents').inputValue(), '12,50');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
      await check(t, page, 'payment-errors', viewport);

      // Right: back on the case page with the balance after it.
      await record(page, { amount: '125.50', method: 'money_order', reference: 'MO-7' });
      assert.equal(h.pathOf(page), `/staff/cases/${NUMBER}`);
      assert.match(await page.locator('#done').innerText(), /The payment was recorded/);
      assert.match(await page.locator('#balance-owed').innerText(), /\$0\.00/);
      assert.match(await page.locator('#overpaid').innerText(), /\$25\.50/);
      await check(t, page, 'case-paid', viewport);

      // The overpaid case waits for its refund.
      await page.goto(`${server.baseURL}/staff/queues/refunds`);
      assert.match(await page.locator(`#refund-${NUMBER}`).innerText(), /\$25\.50/);
      await check(t, page, 'refunds', viewport);
      await page.goto(`${server.baseURL}/staff`);
      assert.equal(await page.locator('#queue-refunds').innerText(), '1');

      // The money order bounces: confirmed on its own page, with a reason.
      await page.goto(`${server.baseURL}/staff/cases/${NUMBER}`);
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /^Reverse/ }).click()]);
      await check(t, page, 'payment-reverse', viewport);
      await page.locator('#reason').fill('money order returned unpaid');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Reverse this payment' }).click()]);
      assert.match(await page.locator('#done').innerText(), /The payment was reversed/);
      assert.match(await page.locator('#balance-owed').innerText(), /\$100\.00/);
      assert.match(await page.locator('#case-status').innerText(), /amount due/);
      await check(t, page, 'case-reversed', viewport);
    } finally {
      await context.close();
      await server.stop();
    }
  });
}
