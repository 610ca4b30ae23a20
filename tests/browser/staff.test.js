'use strict';
// The staff console in a real browser: sign-in by keyboard, every console page axe-clean at
// 1280 px and at 360 px without horizontal scrolling, the lock-out message, and the idle end of
// a session with the way back to the page the clerk was on.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { addUser, startServer } = require('./server');
const h = require('./helpers');

const TIMEOUT_MS = 120_000;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 740 };

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Signs in with the keyboard only: Tab to each box, type, Enter. */
async function signInByKeyboard(page, name, password) {
  await page.locator('#username').focus();
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  await page.keyboard.type(password);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

const check = (t, page, name, viewport) => h.checkPage(t, page, 'staff', name, viewport);

for (const viewport of [WIDE, PHONE]) {
  test(`every console page at ${viewport.width} px: keyboard sign-in, axe-core, no horizontal scroll`, { timeout: TIMEOUT_MS }, async (t) => {
    const server = await startServer();
    const context = await browser.newContext({ locale: 'en-US', viewport, bypassCSP: true });
    try {
      const password = addUser(server, 'ada.admin', 'admin');
      const clerkPassword = addUser(server, 'cleo.clerk', 'clerk');
      const page = await context.newPage();
      await page.goto(`${server.baseURL}/staff/admin/users`);
      assert.match(page.url(), /\/staff\/sign-in\?next=%2Fstaff%2Fadmin%2Fusers$/);
      // The first Tab reaches the skip link.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.className), 'usa-skipnav');
      await check(t, page, 'sign-in', viewport);
      await signInByKeyboard(page, 'ada.admin', password);
      assert.equal(new URL(page.url()).pathname, '/staff/admin/users', 'back to the page asked for');
      await check(t, page, 'users', viewport);
      // Add a user by keyboard: the password is shown once on the user's page.
      await page.locator('#new-username').focus();
      await page.keyboard.type('new.clerk');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.match(page.url(), /\/staff\/admin\/users\/\d+$/);
      await page.locator('#secret-value').waitFor();
      await check(t, page, 'user-new-password', viewport);
      await page.reload();
      assert.equal(await page.locator('#secret-value').count(), 0, 'shown only once');
      await page.getByRole('button', { name: 'Create an API token' }).click();
      await page.locator('#secret-value').waitFor();
      await check(t, page, 'user-token', viewport);
      // The letter templates: every type in both languages, each a link to its example PDF.
      await page.getByRole('link', { name: 'Letter templates' }).click();
      assert.equal(new URL(page.url()).pathname, '/staff/admin/letters');
      assert.equal(await page.locator('a[href$=".pdf"]').count(), 18, 'nine letter types, English and Spanish');
      await check(t, page, 'letter-templates', viewport);
      // The court profile: the rules and the holiday calendar; a bad date gets the form back.
      await page.getByRole('link', { name: 'Court profile' }).click();
      assert.equal(new URL(page.url()).pathname, '/staff/admin/court');
      await check(t, page, 'court-profile', viewport);
      await page.locator('#holiday-day').fill('24/12/2026');
      await page.locator('#holiday-name').fill('Christmas Eve');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add the holiday' }).click()]);
      assert.equal(await page.locator('#holiday-day-error').count(), 1, 'the date field says what is wrong');
      await check(t, page, 'court-profile-error', viewport);
      await page.locator('#holiday-day').fill('2026-12-24');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add the holiday' }).click()]);
      assert.equal(await page.locator('td[data-label="Holiday"]', { hasText: 'Christmas Eve' }).count(), 1);
      await check(t, page, 'court-profile-added', viewport);
      await page.goto(`${server.baseURL}/staff`);
      await check(t, page, 'dashboard-admin', viewport);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/staff\/sign-in\?signed_out=1$/);
      await check(t, page, 'signed-out', viewport);
      await signInByKeyboard(page, 'cleo.clerk', clerkPassword);
      await check(t, page, 'dashboard-clerk', viewport);
      assert.equal(await page.locator('a[href="/staff/admin/users"]').count(), 0, 'a clerk has no admin menu');
      assert.equal(await page.locator('a[href="/staff/admin/letters"]').count(), 0, 'nor the letter templates');
      const refused = await page.goto(`${server.baseURL}/staff/admin/users`);
      assert.equal(refused.status(), 403);
      await check(t, page, 'forbidden', viewport);
    } finally {
      await context.close();
      await server.stop();
    }
  });
}

test('five wrong passwords lock the account and the page says until when', { timeout: TIMEOUT_MS }, async () => {
  const server = await startServer();
  const context = await browser.newContext({ locale: 'en-US', viewport: WIDE });
  try {
    const password = addUser(server, 'cleo.clerk', 'clerk');
    const page = await context.newPage();
    await page.goto(`${server.baseURL}/staff/sign-in`);
    for (let i = 0; i < 5; i++) {
      await page.locator('#username').fill('cleo.clerk');
      await page.locator('#password').fill(`wrong-${i}`);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    }
    await page.locator('#username').fill('cleo.clerk');
    await page.locator('#password').fill(password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    const alert = await page.locator('#sign-in-error').innerText();
    assert.match(alert, /This account is locked after 5 failed sign-ins in a row\. Try again after \d{1,2}:\d\d [AP]M/);
    assert.equal(new URL(page.url()).pathname, '/staff/sign-in');
  } finally {
    await context.close();
    await server.stop();
  }
});

test('after the idle limit the page says the session ended and sign-in returns to it', { timeout: TIMEOUT_MS }, async (t) => {
  const server = await startServer({ PLEADESK_STAFF_IDLE_MINUTES: '0.05' });
  const context = await browser.newContext({ locale: 'en-US', viewport: WIDE, bypassCSP: true });
  try {
    const password = addUser(server, 'ada.admin', 'admin');
    const page = await context.newPage();
    await page.goto(`${server.baseURL}/staff/sign-in`);
    await signInByKeyboard(page, 'ada.admin', password);
    await page.goto(`${server.baseURL}/staff/admin/users`);
    await new Promise((r) => setTimeout(r, 4000));
    await page.reload();
    assert.match(page.url(), /\/staff\/sign-in\?next=%2Fstaff%2Fadmin%2Fusers&ended=1$/);
    const notice = await page.locator('#session-ended').innerText();
    assert.match(notice, /signed out after 3 seconds without activity/);
    await check(t, page, 'session-ended', WIDE);
    await signInByKeyboard(page, 'ada.admin', password);
    assert.equal(new URL(page.url()).pathname, '/staff/admin/users');
  } finally {
    await context.close();
    await server.stop();
  }
});
