'use strict';
// Security headers as the browser receives them, and no personal data in any URL.

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

/** The headers every HTML page must send. */
function checkHeaders(headers, where) {
  const csp = headers['content-security-policy'] || '';
  const directives = csp.split(';').map((d) => d.trim());
  assert.ok(directives.includes("default-src 'none'"), `${where}: content-security-policy "${csp}" has default-src 'none'`);
  assert.ok(!/unsafe-inline|unsafe-eval/.test(csp), `${where}: content-security-policy allows no unsafe-inline/unsafe-eval`);
  assert.ok(!directives.some((d) => d.startsWith('script-src')), `${where}: content-security-policy allows no scripts`);
  assert.equal(headers['x-content-type-options'], 'nosniff', `${where}: x-content-type-options`);
  assert.equal(headers['x-frame-options'], 'DENY', `${where}: x-frame-options`);
  assert.equal(headers['referrer-policy'], 'no-referrer', `${where}: referrer-policy`);
}

test('the start page sends the security headers', { timeout: TIMEOUT_MS }, async () => {
  const server = await startServer();
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    const response = await page.goto(`${server.baseURL}/`);
    assert.equal(response.status(), 200);
    checkHeaders(await response.allHeaders(), 'GET /');
  } finally {
    await context.close();
    await server.stop();
  }
});

test('whole flow: every page sends the security headers, no URL carries personal data', { timeout: TIMEOUT_MS }, async () => {
  const server = await startServer();
  const context = await browser.newContext({ locale: 'en-US' });
  const seen = h.track(context);
  try {
    const page = await context.newPage();
    const person = h.PEOPLE.james;
    const code = await h.reportingLeaks(seen, () =>
      h.wholeFlow(page, server.baseURL, {
        lang: 'en',
        person,
        pleas: ['guilty'],
        statement: 'Sorry, I was late for work.',
        files: [h.pngFile()],
      }),
    );

    // The tracker itself must see a leak when there is one.
    const planted = [`GET ${server.baseURL}/case?citation_number=${person.citation}`];
    assert.equal(h.personalDataInUrls(planted, person).length, 1, 'the URL check detects a planted leak');

    h.assertNoPersonalDataInUrls(seen, person, [code]);
    const posts = seen.requests.filter((r) => r.startsWith('POST '));
    assert.ok(posts.length >= 6, `the flow sends its personal data in POST bodies (saw ${posts.length} POSTs)`);
    assert.ok(seen.documents.length >= 8, `HTML pages seen: ${seen.documents.length}`);
    for (const response of seen.documents) {
      const where = `${response.request().method()} ${new URL(response.url()).pathname}`;
      const headers = await response.allHeaders();
      checkHeaders(headers, where);
      // Pages with personal data must not be cached.
      assert.match(headers['cache-control'] || '', /no-store/, `${where}: cache-control`);
    }
    h.assertNoProblems(seen);
  } finally {
    await context.close();
    await server.stop();
  }
});
