'use strict';
// The envelope queue in a real browser: Enter in a keying form saves the plea (it used to press
// "Look up the charges", the first submit button); a small batch (three envelopes split by
// separator sheets) uploaded and worked through with the keyboard — Save and next, Not a plea,
// the batch's last line — with the envelope and batch pages axe-clean at 1280 px and at 360 px
// without horizontal scrolling.

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, before, test } = require('node:test');
const { addUser, startServer } = require('./server');
const h = require('./helpers');

const TIMEOUT_MS = 180_000;
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
const focused = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

async function signIn(page, server, role) {
  const password = addUser(server, `${role}.one`, role);
  await page.goto(`${server.baseURL}/staff/sign-in`);
  await page.locator('#username').fill(`${role}.one`);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/**
 * One PDF as a sheet-fed scanner writes it: a note, a separator sheet, a note, a separator
 * sheet, a note — three envelopes, none of them linked. The separator sheet is the console's
 * own (printed, here rasterised with pdftoppm); img2pdf wraps the pages.
 */
async function smallBatch(page, baseURL) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pleadesk-batch-'));
  const sep = await page.request.get(`${baseURL}/staff/scans/separator.pdf?copies=1`);
  assert.equal(sep.status(), 200);
  fs.writeFileSync(path.join(dir, 'sep.pdf'), await sep.body());
  execFileSync('pdftoppm', ['-gray', '-png', '-r', '150', '-singlefile', path.join(dir, 'sep.pdf'), path.join(dir, 'sep')]);
  const note = path.join(dir, 'note.png');
  fs.writeFileSync(note, h.pngFile('note.png').buffer);
  const sheet = path.join(dir, 'sep.png');
  const out = path.join(dir, 'batch.pdf');
  execFileSync('img2pdf', [note, sheet, note, sheet, note, '-o', out]);
  const buffer = fs.readFileSync(out);
  fs.rmSync(dir, { recursive: true, force: true });
  return { name: 'batch.pdf', mimeType: 'application/pdf', buffer };
}

/** Keys the open envelope's plea for `number` with the keyboard; Enter in the postmark saves. */
async function keyEnvelope(page, number, dob) {
  assert.equal(await focused(page), 'citation_number', 'an envelope without a link starts at the number');
  await page.keyboard.type(number);
  await page.keyboard.press('Tab');
  assert.match(await page.evaluate(() => document.activeElement.innerText), /Look up the charges/);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.locator('#lookup-result').innerText(), /is on file: its charges are below/);
  assert.equal(await focused(page), 'date_of_birth');
  await page.keyboard.type(dob);
  for (const id of ['last_name', 'plate', 'channel-mail', 'postmark_date']) {
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), id);
  }
  await page.keyboard.type(h.todayTyped());
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'pleas-1');
  await page.keyboard.press('g'); // Guilty
  for (let i = 0; i < 5 && (await focused(page)) !== 'signed'; i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  // Back to the postmark and Enter: the form's default button is the save.
  await page.locator('#postmark_date').focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
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

for (const viewport of [WIDE, PHONE]) {
  test(`a batch keyed through Save and next at ${viewport.width} px: keyboard, axe-core, no horizontal scroll`, { timeout: TIMEOUT_MS }, async (t) => {
    const server = await startServer();
    const context = await browser.newContext({ locale: 'en-US', viewport, bypassCSP: true, timezoneId: 'America/Denver' });
    try {
      const page = await context.newPage();
      await signIn(page, server, 'clerk');
      await page.goto(`${server.baseURL}/staff/scans`);
      await page.locator('#file').setInputFiles(await smallBatch(page, server.baseURL));
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Upload' }).click()]);
      assert.match(await page.locator('#batch-summary').innerText(), /5 pages in 3 envelopes; separator sheets on page 2, 4/);
      assert.equal(await page.evaluate(() => document.activeElement.innerText), 'Start keying', 'focus on Start keying');
      await check(t, page, 'batch-to-key', viewport);

      // Envelope 1: the scan beside the form; keyed with the keyboard, Enter saves and moves on.
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.match(await page.locator('h1').innerText(), /Envelope 1 of 3/);
      assert.match(await page.locator('#queue-position').innerText(), /3 left to key in this batch/);
      const img = page.locator('.pd-page img').first();
      assert.match(await img.getAttribute('src'), /^\/staff\/scans\/\d+\/pages\/1\/image\?size=page$/);
      assert.equal(await img.getAttribute('alt'), 'Page 1 of the envelope');
      assert.equal(await page.locator('#skip').getAttribute('accesskey'), 'k');
      // The key in the label (a flex button lays its parts out as separate lines of innerText).
      const words = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ');
      assert.match(await words(page.locator('#skip')), /^Skip \(Alt\+K\)/);
      const save = page.getByRole('button', { name: /Save and next/ });
      assert.equal(await save.getAttribute('accesskey'), 's');
      assert.match(await words(save), /^Save and next \(Alt\+S\)$/);
      await check(t, page, 'envelope', viewport);
      await keyEnvelope(page, 'DV-2026-000101', '1988-04-12');
      assert.match(new URL(page.url()).pathname, /^\/staff\/envelopes\/\d+$/);
      assert.match(await page.locator('#saved').innerText(), /Saved plea PD-\S+ for citation DV-2026-000101: linked/);
      assert.match(await page.locator('h1').innerText(), /Envelope 2 of 3/);
      await check(t, page, 'envelope-saved', viewport);

      // Envelope 2 holds no plea: the reason, then Enter.
      await page.locator('#reason').focus();
      await page.keyboard.type('a payment only');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.match(await page.locator('#done').innerText(), /set aside as not a plea/);
      assert.match(await page.locator('h1').innerText(), /Envelope 3 of 3/);

      // Envelope 3, the last: back to the batch, which says it is done.
      await keyEnvelope(page, 'DV-2026-000102', '1975-11-30');
      assert.match(new URL(page.url()).pathname, /^\/staff\/scans\/\d+$/);
      assert.match(await page.locator('#finished').innerText(), /All 3 envelopes of this batch are done: 2 keyed, 1 not a plea/);
      assert.match(await page.locator('#saved').innerText(), /for citation DV-2026-000102: linked/);
      assert.match(await page.locator('main').innerText(), /Not a plea: a payment only/);
      await check(t, page, 'batch-done', viewport);

      await page.goto(`${server.baseURL}/staff/scans`);
      assert.match(await page.locator('main table').innerText(), /2 of 3 \(1 not a plea\)/);
      await check(t, page, 'scans-recent', viewport);
      await page.goto(`${server.baseURL}/staff`);
      assert.equal(await page.locator('#queue-envelopes').innerText(), '0');
      assert.equal(await page.locator('#scans-envelopes').innerText(), '3');
    } finally {
      await context.close();
      await server.stop();
    }
  });
}
