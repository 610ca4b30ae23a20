'use strict';
// The scan pages in a real browser: the upload form (and its error summary), the list of batches
// after several files, a batch's envelope queue with its page thumbnails, and a page opened large,
// each axe-clean at 1280 px and at 360 px without horizontal scrolling.

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

const check = (t, page, name, viewport) => h.checkPage(t, page, 'console', name, viewport);

for (const viewport of [WIDE, PHONE]) {
  test(`the scan pages at ${viewport.width} px: axe-core, no horizontal scroll`, { timeout: TIMEOUT_MS }, async (t) => {
    const server = await startServer();
    const context = await browser.newContext({ locale: 'en-US', viewport, bypassCSP: true, timezoneId: 'America/Denver' });
    try {
      const password = addUser(server, 'sam.clerk', 'clerk');
      const page = await context.newPage();
      await page.goto(`${server.baseURL}/staff/sign-in`);
      await page.locator('#username').fill('sam.clerk');
      await page.locator('#password').fill(password);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);

      await page.getByRole('link', { name: 'Scans' }).first().click();
      await page.waitForURL(/\/staff\/scans$/);
      await check(t, page, 'scans', viewport);

      // Not a scan: the error summary, on the page.
      await page.locator('#file').setInputFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Upload' }).click()]);
      assert.match(await page.locator('#error-summary').innerText(), /must be a PDF, PNG, JPEG or TIFF/);
      await check(t, page, 'scans-error', viewport);

      // Two files: two batches, listed.
      await page.locator('#file').setInputFiles([h.pngFile('a.png'), h.pdfFile('b.pdf')]);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Upload' }).click()]);
      assert.match(await page.locator('#done').innerText(), /The scans were uploaded/);
      await check(t, page, 'scans-uploaded', viewport);

      // A batch: its envelope needs a match.
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /Batch 1/ }).click()]);
      assert.match(new URL(page.url()).pathname, /^\/staff\/scans\/\d+$/);
      assert.match(await page.locator('main').innerText(), /Needs a match/);
      await check(t, page, 'scan-batch', viewport);

      // Its page as a thumbnail, loaded; the page opened large from it.
      const thumb = page.locator('.pd-thumbs img').first();
      assert.ok(await thumb.isVisible(), 'the thumbnail is shown');
      assert.ok(await thumb.evaluate((img) => img.complete && img.naturalWidth > 0), 'the thumbnail loaded');
      assert.match(await thumb.getAttribute('alt'), /^Page 1 of scanned document no\. \d+$/);
      await Promise.all([page.waitForNavigation(), page.locator('a.pd-thumb').first().click()]);
      assert.match(new URL(page.url()).pathname, /^\/staff\/scans\/\d+\/pages\/1$/);
      const large = page.locator('#page-image');
      assert.ok(await large.evaluate((img) => img.complete && img.naturalWidth > 0), 'the page image loaded');
      assert.match(await page.locator('#page-code').innerText(), /None of ours/);
      await check(t, page, 'scan-page', viewport);
      await Promise.all([page.waitForNavigation(), page.locator('#batch-link').click()]);
      await page.getByRole('link', { name: 'Start keying' }).click();
      await page.waitForURL(/\/staff\/envelopes\/\d+$/);
      assert.match(await page.locator('h1').innerText(), /Envelope 1 of 1/);
      // The scan beside the form: its page image loaded.
      const scan = page.locator('.pd-page img').first();
      assert.ok(await scan.evaluate((img) => img.complete && img.naturalWidth > 0), 'the envelope page image loaded');
      await check(t, page, 'envelope-from-batch', viewport);
    } finally {
      await context.close();
      await server.stop();
    }
  });
}
