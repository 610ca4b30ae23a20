'use strict';
// Phones on slow networks: a first visit to the start page (empty cache), in English and in
// Spanish, transfers at most 120 KB in all — the encoded body of every response: the page, the
// stylesheets, the fonts, the images and the icon. The next page reuses the cached files without
// asking the server. Screenshots at 360 px and 1280 px in target/browser-screenshots/transfer-*.

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { startServer } = require('./server');
const h = require('./helpers');

const BUDGET = 120 * 1024;
const TIMEOUT_MS = 60_000;
const USWDS_BLUE = 'rgb(0, 94, 162)';

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Encoded body size of a finished response, in bytes. */
async function encodedSize(response) {
  const sizes = await response.request().sizes();
  return sizes.responseBodySize;
}

for (const lang of ['en', 'es']) {
  const name = lang === 'en' ? 'English' : 'Spanish';
  test(`a first visit to the start page in ${name} transfers at most 120 KB`, { timeout: TIMEOUT_MS }, async (t) => {
    const server = await startServer();
    const context = await browser.newContext({ locale: lang === 'es' ? 'es-US' : 'en-US', viewport: { width: 360, height: 740 } });
    try {
      const seen = h.track(context);
      const page = await context.newPage();
      const responses = [];
      page.on('response', (r) => responses.push(r));
      const response = await page.goto(`${server.baseURL}/`, { waitUntil: 'networkidle' });
      await h.expectPage(page, response, { path: '/', status: 200, heading: h.WORDS[lang].start_title, lang });
      await page.evaluate(() => document.fonts.ready);
      await page.waitForLoadState('networkidle');

      const rows = [];
      for (const r of responses) rows.push({ url: new URL(r.url()).pathname, size: await encodedSize(r), headers: await r.allHeaders() });
      // Headless Chromium may not fetch the icon: count every icon the page declares that it did not fetch.
      const icons = await page.locator('link[rel=icon]').evaluateAll((links) => links.map((l) => new URL(l.href).pathname));
      for (const icon of icons.filter((p) => !rows.some((r) => r.url === p))) {
        const r = await context.request.get(`${server.baseURL}${icon}`, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
        assert.equal(r.status(), 200, `${icon}`);
        rows.push({ url: `${icon} (fetched by the test)`, size: Number(r.headers()['content-length']), headers: r.headers() });
      }
      const total = rows.reduce((sum, r) => sum + r.size, 0);
      const table = rows.map((r) => `${String(r.size).padStart(7)}  ${r.headers['content-encoding'] || '-'}  ${r.url}`).join('\n');
      t.diagnostic(`transferred ${total} bytes:\n${table}`);
      assert.ok(rows.some((r) => r.url.endsWith('.woff2')), `fonts are part of the count:\n${table}`);
      assert.ok(rows.some((r) => r.url.includes('favicon')), `the icon is part of the count:\n${table}`);
      assert.ok(total <= BUDGET, `the first visit transferred ${total} bytes, more than ${BUDGET}:\n${table}`);

      for (const r of rows.filter((x) => x.url.startsWith('/static/'))) {
        assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable', `${r.url} is cached for a year`);
        if (r.url.endsWith('.css')) assert.equal(r.headers['content-encoding'], 'br', `${r.url} is sent brotli-compressed`);
      }

      // It still looks like the design system: its font and colours apply.
      const button = page.getByRole('link', { name: h.WORDS[lang].start_button, exact: true });
      const style = await button.evaluate((el) => ({ bg: getComputedStyle(el).backgroundColor, font: getComputedStyle(el).fontFamily }));
      assert.equal(style.bg, USWDS_BLUE, 'the start button is the design system\'s blue');
      assert.match(style.font, /Source Sans Pro/, 'the design system\'s font');
      assert.ok(await page.evaluate(() => document.fonts.check('16px "Source Sans Pro"')), 'the body font loaded');

      await h.screenshot(page, `transfer-start-${lang}-360`);
      await page.setViewportSize({ width: 1280, height: 900 });
      await h.screenshot(page, `transfer-start-${lang}-1280`);

      // The next page needs nothing from the server under /static/: the browser's cache answers
      // (Chromium reports where each response came from over the DevTools protocol).
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const fromServer = [];
      const fromCache = [];
      const servedFromCache = new Set();
      cdp.on('Network.requestServedFromCache', ({ requestId }) => servedFromCache.add(requestId));
      cdp.on('Network.responseReceived', ({ requestId, response: r }) => {
        if (!new URL(r.url).pathname.startsWith('/static/')) return;
        (r.fromDiskCache || servedFromCache.has(requestId) ? fromCache : fromServer).push(new URL(r.url).pathname);
      });
      const next = await h.navigate(page, () => page.getByRole('link', { name: h.WORDS[lang].start_button, exact: true }).click());
      await h.expectPage(page, next, { path: '/lookup', status: 200, heading: h.WORDS[lang].lookup_title, lang });
      await page.waitForLoadState('networkidle');
      assert.deepEqual(fromServer, [], 'static files asked of the server again');
      assert.ok(fromCache.some((p) => p.endsWith('.css')), `the stylesheets came from the cache: ${fromCache}`);
      h.assertNoProblems(seen);
    } finally {
      await context.close();
      await server.stop();
    }
  });
}

test('error pages at 360 px and 1280 px: language, way back, axe-core', { timeout: TIMEOUT_MS }, async () => {
  const server = await startServer();
  try {
    for (const lang of ['en', 'es']) {
      const context = await browser.newContext({ locale: lang === 'es' ? 'es-US' : 'en-US', viewport: { width: 360, height: 740 }, bypassCSP: true });
      try {
        const page = await context.newPage();
        const response = await page.goto(`${server.baseURL}/no-such-page`);
        await h.expectPage(page, response, { status: 404, heading: lang === 'es' ? 'Página no encontrada' : 'Page not found', lang });
        await h.screenshot(page, `transfer-404-${lang}-360`);
        const violations = await h.axeViolations(page);
        assert.equal(violations.length, 0, `axe violations on the 404 page:\n${h.formatViolations(violations)}`);
        const o = await h.horizontalOverflow(page);
        assert.ok(o.scrollWidth <= 360, `404 page is ${o.scrollWidth}px wide: ${o.wide.join(', ')}`);
        await page.setViewportSize({ width: 1280, height: 900 });
        await h.screenshot(page, `transfer-404-${lang}-1280`);
        const back = await h.navigate(page, () => page.getByRole('link', { name: lang === 'es' ? 'Empezar de nuevo' : 'Start again', exact: true }).click());
        await h.expectPage(page, back, { path: '/', status: 200, heading: h.WORDS[lang].start_title, lang });
      } finally {
        await context.close();
      }
    }
  } finally {
    await server.stop();
  }
});

/**
 * Screenshots the page as served (the trimmed design system), then with the full vendored
 * stylesheet put in its place, and returns the viewports where the two differ.
 */
async function compareWithFullStylesheet(page, fullCss, name) {
  const differ = [];
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(() => document.fonts.ready);
    const trimmed = await page.screenshot({ fullPage: true });
    await page.route('**/static/uswds/css/full.css', (route) => route.fulfill({ body: fullCss, contentType: 'text/css' }));
    const href = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const link = document.querySelector('link[rel=stylesheet][href*="/uswds/"]');
          const old = link.getAttribute('href');
          link.onload = () => resolve(old);
          link.onerror = () => reject(new Error('the full stylesheet did not load'));
          link.href = '/static/uswds/css/full.css';
        }),
    );
    await page.evaluate(() => document.fonts.ready);
    const full = await page.screenshot({ fullPage: true });
    // Put the served stylesheet back for what follows on this page.
    await page.evaluate((old) => new Promise((resolve) => {
      const link = document.querySelector('link[rel=stylesheet][href*="/uswds/"]');
      link.onload = resolve;
      link.href = old;
    }), href);
    await page.unroute('**/static/uswds/css/full.css');
    if (!trimmed.equals(full)) {
      await h.screenshot(page, `trimmed-${name}-${width}`);
      require('node:fs').writeFileSync(require('node:path').join(h.SCREENSHOT_DIR, `full-${name}-${width}.png`), full);
      differ.push(`${name} at ${width} px`);
    }
  }
  await page.setViewportSize({ width: 360, height: 740 });
  return differ;
}

test('the trimmed design system draws every page exactly as the full one', { timeout: 180_000 }, async () => {
  const fullCss = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', 'static', 'uswds', 'css', 'uswds.min.css'));
  const server = await startServer();
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 } });
  try {
    const page = await context.newPage();
    const differ = [];
    await h.wholeFlow(page, server.baseURL, {
      lang: 'es',
      person: h.PEOPLE.jose,
      pleas: ['guilty', 'not_guilty'],
      statement: 'Iba al hospital.',
      files: [h.pngFile()],
      onPage: async (name) => differ.push(...(await compareWithFullStylesheet(page, fullCss, name))),
    });
    // Two error states: the look-up form with a message and a page that does not exist.
    await page.goto(`${server.baseURL}/lookup`);
    await page.fill('#citation_number', h.PEOPLE.jose.citation);
    await h.navigate(page, () => page.getByRole('button', { name: h.WORDS.es.continue, exact: true }).click());
    differ.push(...(await compareWithFullStylesheet(page, fullCss, 'lookup-error')));
    await page.goto(`${server.baseURL}/no-such-page`);
    differ.push(...(await compareWithFullStylesheet(page, fullCss, '404')));
    assert.deepEqual(differ, [], `pages that look different with the trimmed stylesheet (see target/browser-screenshots/trimmed-* and full-*)`);
  } finally {
    await context.close();
    await server.stop();
  }
});
