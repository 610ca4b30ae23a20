'use strict';
// The reports page in a real browser, at 1280 px and at 360 px, over the demo's cases with a
// guilty plea made online: each chart an image (role="img", named by its title and description)
// with a table beside it in its section, the numbers there, a bad range named next to its field,
// the CSV download — axe-clean and without horizontal scrolling.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { addUser, startServer } = require('./server');
const h = require('./helpers');

const TIMEOUT_MS = 180_000;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 740 };
const NUMBER = 'DV-2026-000102';

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

const check = (t, page, name, viewport) => h.checkPage(t, page, 'console', name, viewport);

for (const viewport of [WIDE, PHONE]) {
  test(`the reports page at ${viewport.width} px: charts with their tables, a bad range, CSV; axe-core`, { timeout: TIMEOUT_MS }, async (t) => {
    const server = await startServer();
    const context = await browser.newContext({ locale: 'en-US', viewport, bypassCSP: true, timezoneId: 'America/Denver' });
    try {
      await h.pleadGuiltyOnline(server.baseURL, NUMBER, '1975-11-30', "James O'Connor");
      const password = addUser(server, 'robin.prosecutor', 'prosecutor');
      const page = await context.newPage();
      await h.staffSignIn(page, server.baseURL, 'robin.prosecutor', password);
      await page.getByRole('link', { name: 'Reports' }).click();
      assert.equal(h.pathOf(page), '/staff/reports');
      assert.equal(await page.locator('h1').innerText(), 'Reports');

      const sections = page.locator('section.pd-report');
      assert.equal(await sections.count(), 6);
      for (let i = 0; i < 6; i++) {
        const s = sections.nth(i);
        const chart = s.locator('svg[role="img"]');
        assert.equal(await chart.count(), 1, `section ${i} has one chart`);
        const name = await chart.evaluate((svg) => svg.getAttribute('aria-labelledby').split(' ')
          .map((id) => document.getElementById(id).textContent).join(' '));
        assert.ok(name.length > 20, `chart ${i} is described: ${name}`);
        assert.equal(await s.locator('table').count(), 1, `section ${i} has its table`);
        assert.ok(await s.locator('table caption').innerText());
      }
      assert.ok(Number(await page.locator('#figure-cases').innerText()) > 0, 'the demo cases were issued in the range');
      const amountDue = page.locator('#table-status tr', { hasText: 'Amount due' }).locator('td');
      assert.equal(await amountDue.innerText(), '1');
      const lastWeek = page.locator('#table-weeks tbody tr').last();
      assert.equal(await lastWeek.locator('td[data-label="Online"]').innerText(), '1');
      await check(t, page, 'reports', viewport);

      // A range that ends before it starts: named next to the field, what was typed kept.
      await page.locator('#report-from').fill('2026-05-02');
      await page.locator('#report-to').fill('2026-05-01');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show the report' }).click()]);
      assert.match(await page.locator('#report-to-error').innerText(), /before it starts/);
      assert.equal(await page.locator('#report-from').inputValue(), '2026-05-02');
      assert.equal(await page.locator('svg[role="img"]').count(), 0);
      await check(t, page, 'reports-error', viewport);

      // The CSV of the default range, downloaded with the session.
      await page.goto(`${server.baseURL}/staff/reports`);
      const href = await page.locator('#report-csv').getAttribute('href');
      const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
      assert.match(csv, /^measure,key,value\r\n/);
      assert.match(csv, /\r\ncases_by_status,amount_due,1\r\n/);
    } finally {
      await context.close();
      await server.stop();
    }
  });
}
