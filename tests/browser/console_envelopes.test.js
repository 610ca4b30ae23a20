'use strict';
// The keying forms in a real browser: Enter in a field saves the plea (it used to press "Look up
// the charges", the first submit button in tree order).

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { addUser, startServer } = require('./server');
const h = require('./helpers');

const TIMEOUT_MS = 180_000;
const WIDE = { width: 1280, height: 900 };

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function signIn(page, server, role) {
  const password = addUser(server, `${role}.one`, role);
  await page.goto(`${server.baseURL}/staff/sign-in`);
  await page.locator('#username').fill(`${role}.one`);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
}

test('Enter in the keying form saves the plea, not "Look up the charges"', { timeout: TIMEOUT_MS }, async () => {
  const server = await startServer();
  const context = await browser.newContext({ locale: 'en-US', viewport: WIDE, timezoneId: 'America/Denver' });
  try {
    const page = await context.newPage();
    await signIn(page, server, 'clerk');
    await page.goto(`${server.baseURL}/staff/pleas/new`);
    await page.locator('#citation_number').fill('DV-2026-000101');
    await page.locator('#date_of_birth').fill('1988-04-12');
    await page.locator('#postmark_date').fill(h.todayTyped());
    await page.locator('#pleas-1').selectOption('guilty');
    await page.locator('label[for="signed"]').click();
    await page.locator('#citation_number').focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(new URL(page.url()).pathname, /^\/staff\/pleas\/\d+$/, `Enter saved the plea (at ${page.url()})`);
    assert.match(await page.locator('#done').innerText(), /The paper plea was recorded/);
  } finally {
    await context.close();
    await server.stop();
  }
});
