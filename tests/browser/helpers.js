'use strict';
// Browser-side helpers shared by the tests: launching Debian's Chromium, the words the pages
// must show, the steps of the resident's path, small real evidence files, request tracking,
// axe-core checks and screenshots.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { chromium } = require('playwright-core');
const { REPO_ROOT } = require('./server');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'target', 'browser-screenshots');
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Debian's Chromium, headless. Never a downloaded browser. */
function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Demo residents (loaded by `serve --demo`). */
const PEOPLE = {
  maria: { citation: 'DV-2026-000101', dob: { year: '1988', month: '4', day: '12' }, name: 'Maria Elena Hernández', charges: 1 },
  james: { citation: 'DV-2026-000102', dob: { year: '1975', month: '11', day: '30' }, name: "James O'Connor", charges: 1 },
  jose: { citation: 'DV-2026-000103', dob: { year: '1992', month: '7', day: '1' }, name: 'José Luis Muñoz Peña', charges: 2 },
  mustAppear: { citation: 'DV-2026-000105', dob: { year: '1966', month: '9', day: '9' }, name: 'Must Appear', charges: 1 },
};

/** Words the pages must show, written out here (not read from the i18n files) so a wrong or
 * missing translation fails a test. */
const WORDS = {
  en: {
    other_lang_name: 'Español',
    start_title: 'Resolve your traffic ticket by mail',
    start_button: 'Look up your ticket',
    lookup_title: 'Look up your ticket',
    continue: 'Continue',
    case_title: 'Your ticket',
    answer_button: 'Answer by mail',
    not_eligible: 'This ticket cannot be answered by mail',
    plea_title: 'Your plea',
    evidence_kept: 'Documents you already added',
    document: 'Document',
    review_button: 'Review my plea',
    review_title: 'Review your plea',
    change: 'Change',
    submit_button: 'Submit my plea',
    confirm_title: 'We received your plea',
    download_receipt: 'Download your receipt (PDF)',
    status_title: 'Check your status',
    received: 'We received your plea.',
    download: 'Download (PDF)',
    errors_title: 'There is a problem',
    pleas: { guilty: 'Guilty', no_contest: 'No contest', not_guilty: 'Not guilty', request_offer: 'Ask the prosecutor for an offer' },
  },
  es: {
    other_lang_name: 'English',
    start_title: 'Resuelva su citación de tránsito por correo',
    start_button: 'Buscar su citación',
    lookup_title: 'Busque su citación',
    continue: 'Continuar',
    case_title: 'Su citación',
    answer_button: 'Responder por correo',
    not_eligible: 'Esta citación no se puede responder por correo',
    plea_title: 'Su declaración',
    evidence_kept: 'Documentos que ya agregó',
    document: 'Documento',
    review_button: 'Revisar mi declaración',
    review_title: 'Revise su declaración',
    change: 'Cambiar',
    submit_button: 'Presentar mi declaración',
    confirm_title: 'Recibimos su declaración',
    download_receipt: 'Descargar su recibo (PDF)',
    status_title: 'Consulte el estado de su caso',
    received: 'Recibimos su declaración.',
    download: 'Descargar (PDF)',
    errors_title: 'Hay un problema',
    pleas: { guilty: 'Culpable', no_contest: 'Sin oposición (no admite culpa)', not_guilty: 'No culpable', request_offer: 'Pedir una oferta al fiscal' },
  },
};

const CODE = /^PD-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

// ---------------------------------------------------------------- small real evidence files

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid 32×32 RGB PNG (a blue square with a white diagonal). */
function pngFile(name = 'parking-sign.png') {
  const size = 32;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // filter byte 0, then RGB
    for (let x = 0; x < size; x++) {
      const white = x === y;
      row[1 + x * 3] = white ? 255 : 20;
      row[2 + x * 3] = white ? 255 : 80;
      row[3 + x * 3] = 255;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const buffer = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  return { name, mimeType: 'image/png', buffer };
}

/** A valid one-page PDF with a line of text (correct cross-reference table). */
function pdfFile(name = 'repair-receipt.pdf') {
  const text = 'BT /F1 14 Tf 20 60 Td (Repair receipt: tail light fixed) Tj ET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 120] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name, mimeType: 'application/pdf', buffer: Buffer.from(out, 'latin1') };
}

// ---------------------------------------------------------------- tracking what the browser does

/**
 * Records every request of a context, every HTML document response, and problems: CSP
 * violations and other console errors, page errors, failed or erroring sub-resources.
 */
function track(context) {
  const seen = { requests: [], documents: [], problems: [] };
  context.on('request', (r) => seen.requests.push(`${r.method()} ${r.url()}`));
  context.on('response', (r) => {
    const req = r.request();
    if (req.resourceType() === 'document') {
      if ((r.headers()['content-type'] || '').startsWith('text/html')) seen.documents.push(r);
    } else if (r.status() >= 400) {
      seen.problems.push(`sub-resource ${req.url()} answered ${r.status()}`);
    }
  });
  context.on('requestfailed', (r) => {
    // A download aborts its navigation: that is not a problem.
    if (r.resourceType() !== 'document') seen.problems.push(`sub-resource ${r.url()} failed: ${r.failure()?.errorText}`);
  });
  context.on('console', (m) => {
    const text = m.text();
    // Chromium logs "Failed to load resource" for 4xx pages (the error pages are meant to be 4xx).
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) {
      seen.problems.push(`console error: ${text}`);
    } else if (/Content.Security.Policy/i.test(text)) {
      seen.problems.push(`CSP: ${text}`);
    }
  });
  context.on('weberror', (e) => seen.problems.push(`page error: ${e.error().message}`));
  return seen;
}

/** Request lines that carry the person's date of birth, citation number or confirmation code. */
function personalDataInUrls(requests, person, extra = []) {
  const { year, month, day } = person.dob;
  const mm = month.padStart(2, '0');
  const dd = day.padStart(2, '0');
  const needles = [
    person.citation,
    person.citation.replace(/-/g, ''),
    `${year}-${mm}-${dd}`,
    `${mm}/${dd}/${year}`,
    `${month}/${day}/${year}`,
    `${year}${mm}${dd}`,
    'date_of_birth',
    'citation_number',
    ...extra,
  ].map((n) => n.toLowerCase());
  return requests.filter((line) => {
    let url = line;
    try {
      url = decodeURIComponent(line.replace(/\+/g, ' '));
    } catch {
      // keep the raw line
    }
    url = url.toLowerCase();
    return needles.some((n) => url.includes(n));
  });
}

function assertNoPersonalDataInUrls(seen, person, extra = []) {
  assert.ok(seen.requests.length > 5, `expected the flow to make requests, saw ${seen.requests.length}`);
  const leaks = personalDataInUrls(seen.requests, person, extra);
  assert.deepEqual(leaks, [], `personal data in URLs:\n${leaks.join('\n')}`);
}

/** Runs `body`; if it fails, adds to its error any personal data the URLs carried so far. */
async function reportingLeaks(seen, body) {
  try {
    return await body();
  } catch (e) {
    const leaks = [...new Set(Object.values(PEOPLE).flatMap((p) => personalDataInUrls(seen.requests, p)))];
    if (!leaks.length) throw e;
    throw new Error(`personal data in URLs:\n${leaks.join('\n')}\nand then: ${e?.message ?? e}`, { cause: e });
  }
}

function assertNoProblems(seen) {
  assert.deepEqual(seen.problems, [], `browser problems:\n${seen.problems.join('\n')}`);
}

// ---------------------------------------------------------------- steps of the resident's path

/** The court's today (the browser runs in the court's time zone), YYYY-MM-DD. */
/**
 * Today as a clerk in the court types it: the date in the court's time zone (the test servers run
 * with the default, America/Denver), not the machine's. From 00:00 to 07:00 UTC the two differ, and
 * the machine's date is a postmark the court rightly refuses as being in the future.
 */
function todayTyped() {
  const zone = process.env.PLEADESK_COURT_TZ || 'America/Denver';
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** Runs `action` (a click or key press that submits or follows a link) and waits for the new page. */
async function navigate(page, action) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  assert.ok(response, 'expected a navigation with a response');
  return response;
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

async function h1(page) {
  return (await page.locator('h1').first().innerText()).trim();
}

async function expectPage(page, response, { path: p, status, heading, lang }) {
  if (p) assert.equal(pathOf(page), p, 'page path');
  if (status) assert.equal(response.status(), status, `HTTP status of ${page.url()}`);
  if (lang) assert.equal(await page.locator('html').getAttribute('lang'), lang, 'html lang');
  if (heading) {
    const text = await h1(page);
    assert.ok(text.startsWith(heading), `h1 "${text}" should start with "${heading}"`);
  }
}

/** GET / and, for Spanish, follow the "Español" link in the header. */
async function openStart(page, baseURL, lang) {
  let response = await page.goto(`${baseURL}/`);
  await expectPage(page, response, { path: '/', status: 200, heading: WORDS.en.start_title, lang: 'en' });
  if (lang === 'es') {
    response = await navigate(page, () => page.getByRole('link', { name: WORDS.en.other_lang_name, exact: true }).click());
    await expectPage(page, response, { path: '/', status: 200, heading: WORDS.es.start_title, lang: 'es' });
  }
  return response;
}

/** From the start page to the look-up form. */
async function openLookup(page, lang) {
  const w = WORDS[lang];
  const response = await navigate(page, () => page.getByRole('link', { name: w.start_button, exact: true }).click());
  await expectPage(page, response, { path: '/lookup', status: 200, heading: w.lookup_title, lang });
  return response;
}

async function fillDob(page, dob) {
  await page.fill('#date_of_birth-month', dob.month);
  await page.fill('#date_of_birth-day', dob.day);
  await page.fill('#date_of_birth-year', dob.year);
}

/** Types the citation number and date of birth and presses Continue; returns the response. */
async function submitLookup(page, lang, citation, dob) {
  await page.fill('#citation_number', citation);
  await fillDob(page, dob);
  return navigate(page, () => page.getByRole('button', { name: WORDS[lang].continue, exact: true }).click());
}

/** Expects the case page of `person`, then presses "Answer by mail". */
async function answerByMail(page, lang, person, caseResponse) {
  const w = WORDS[lang];
  await expectPage(page, caseResponse, { path: '/case', status: 200, heading: `${w.case_title} ${person.citation}`, lang });
  assert.equal(await page.locator('table.usa-table tbody tr').count(), person.charges, 'charges on the case page');
  const response = await navigate(page, () => page.getByRole('link', { name: w.answer_button, exact: true }).click());
  await expectPage(page, response, { path: '/plea', status: 200, heading: `${w.plea_title} · ${person.citation}`, lang });
  return response;
}

/** Picks a plea by clicking its label (the USWDS radio input itself is moved off-screen). */
async function choosePlea(page, seq, plea) {
  await page.locator(`label[for="plea-${seq}-${plea}"]`).click();
  assert.equal(await page.isChecked(`#plea-${seq}-${plea}`), true, `plea ${seq} should be ${plea}`);
}

async function attest(page) {
  await page.locator('label[for="attest"]').click();
  assert.equal(await page.isChecked('#attest'), true, 'attest box checked');
}

/**
 * Fills the plea form: pleas (array, one per charge), statement, files, signature, attest.
 * The mailing address must already be filled in from the case.
 */
async function fillPlea(page, { pleas, statement, files = [], signature, email }) {
  for (const [i, plea] of pleas.entries()) await choosePlea(page, i + 1, plea);
  if (statement !== undefined) await page.fill('#statement', statement);
  if (files.length) await page.setInputFiles('#evidence', files);
  if (email !== undefined) await page.fill('#email', email);
  for (const id of ['line1', 'city', 'state', 'postal_code']) {
    assert.notEqual(await page.inputValue(`#${id}`), '', `address field ${id} is filled in from the case`);
  }
  if (signature !== undefined) await page.fill('#signature_name', signature);
  await attest(page);
}

async function pressReview(page, lang) {
  return navigate(page, () => page.getByRole('button', { name: WORDS[lang].review_button, exact: true }).click());
}

/** Checks the review page shows what was chosen. */
async function expectReview(page, lang, response, { pleas, statement, files = 0, signature }) {
  const w = WORDS[lang];
  await expectPage(page, response, { path: '/plea/review', status: 200, heading: w.review_title, lang });
  const cells = await page.locator('#review-form table tbody tr td:first-of-type').allInnerTexts();
  assert.deepEqual(cells.map((c) => c.trim()), pleas.map((p) => w.pleas[p]), 'pleas on the review page');
  const facts = await page.locator('#review-form dl').innerText();
  if (statement) assert.ok(facts.includes(statement), `review shows the statement; got:\n${facts}`);
  if (signature) assert.ok(facts.includes(signature), `review shows the signature "${signature}"; got:\n${facts}`);
  // Evidence is kept on the server (the draft), listed by number on the review page.
  if (files) assert.ok(facts.includes(`${w.document} ${files}`), `review lists ${files} documents; got:\n${facts}`);
}

/** Presses "Submit my plea"; checks the confirmation page and returns the confirmation code. */
async function submitPlea(page, lang) {
  const w = WORDS[lang];
  const response = await navigate(page, () => page.getByRole('button', { name: w.submit_button, exact: true }).click());
  // POST /plea/submit answers 303: the confirmation is a GET (reload and Back never resend).
  await expectPage(page, response, { path: '/plea/confirmation', status: 200, heading: w.confirm_title, lang });
  const code = (await page.locator('#confirmation-code').innerText()).trim();
  assert.match(code, CODE, 'confirmation code');
  return code;
}

/** Clicks a download button and returns the bytes, checking they are a PDF. */
async function downloadPdf(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const file = await download.path();
  assert.ok(file, `download failed: ${await download.failure()}`);
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-', `downloaded file should be a PDF, starts with ${JSON.stringify(bytes.subarray(0, 16).toString('latin1'))}`);
  assert.match(download.suggestedFilename(), /\.pdf$/, 'download file name');
  assert.ok(bytes.includes('%%EOF'), 'PDF has an end-of-file marker');
  return bytes;
}

/** From the confirmation page: "Check your status" link, status form, status page. */
async function checkStatus(page, lang, person, code) {
  const w = WORDS[lang];
  let response = await navigate(page, () => page.getByRole('link', { name: w.status_title, exact: true }).click());
  await expectPage(page, response, { path: '/status', status: 200, heading: w.status_title, lang });
  await page.fill('#confirmation', code);
  await fillDob(page, person.dob);
  response = await navigate(page, () => page.getByRole('button', { name: w.continue, exact: true }).click());
  await expectPage(page, response, { path: '/status/case', status: 200, heading: `${w.status_title} · ${person.citation}`, lang });
  const timeline = await page.locator('.usa-process-list').innerText();
  assert.ok(timeline.includes(w.received), `status timeline should say "${w.received}"; got:\n${timeline}`);
  return response;
}

/**
 * The whole path for `person` in `lang`: start → look-up → case → plea form → review →
 * confirmation → receipt → status → letter. Returns the confirmation code.
 */
async function wholeFlow(page, baseURL, { lang, person, pleas, statement, files, onPage = async () => {} }) {
  const w = WORDS[lang];
  await openStart(page, baseURL, lang);
  await onPage('start');
  await openLookup(page, lang);
  await onPage('lookup');
  const caseResponse = await submitLookup(page, lang, person.citation, person.dob);
  await onPage('case');
  await answerByMail(page, lang, person, caseResponse);
  await onPage('plea');
  await fillPlea(page, { pleas, statement, files, signature: person.name });
  const reviewResponse = await pressReview(page, lang);
  await expectReview(page, lang, reviewResponse, { pleas, statement, files: files.length, signature: person.name });
  await onPage('review');
  const code = await submitPlea(page, lang);
  await onPage('confirmation');
  await downloadPdf(page, page.getByRole('button', { name: w.download_receipt, exact: true }));
  await checkStatus(page, lang, person, code);
  await onPage('status');
  const letters = page.locator('.pd-letter button');
  assert.ok((await letters.count()) >= 1, 'the status page lists at least one letter');
  await downloadPdf(page, letters.first());
  return code;
}

// ---------------------------------------------------------------- accessibility and layout

/**
 * Runs axe-core on the page. The page must be in a context made with `bypassCSP: true`:
 * addScriptTag({path}) inlines axe's code, which the pages' Content-Security-Policy
 * (default-src 'none', no script-src) would block.
 */
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
  }, AXE_TAGS);
}

function formatViolations(violations) {
  return violations
    .map((v) =>
      [`- ${v.id} (${v.impact}): ${v.help} <${v.helpUrl}>`]
        .concat(v.nodes.map((n) => `    target: ${n.target}\n      html: ${n.html}\n      ${String(n.summary).replace(/\n/g, '\n      ')}`))
        .join('\n'),
    )
    .join('\n');
}

async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** How wide the document is, and the elements that stick out past the viewport. */
async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5) {
        const id = el.id ? `#${el.id}` : '';
        const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
        wide.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(r.right)}px)`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, wide: wide.slice(0, 10) };
  });
}

/**
 * A console page's screenshot (`{prefix}-{name}-{width}`), then no axe violation and nothing
 * wider than the viewport.
 */
async function checkPage(t, page, prefix, name, viewport) {
  const shot = `${prefix}-${name}-${viewport.width}`;
  const file = await screenshot(page, shot);
  t.diagnostic(`screenshot ${file}`);
  const violations = await axeViolations(page);
  assert.equal(violations.length, 0, `axe violations on ${shot} (${page.url()}):\n${formatViolations(violations)}`);
  const o = await horizontalOverflow(page);
  assert.ok(o.scrollWidth <= viewport.width, `${shot}: ${o.scrollWidth}px wide; sticking out: ${o.wide.join(', ')}`);
}

/** Signs a staff member in to the console with the sign-in form. */
async function staffSignIn(page, baseURL, name, password) {
  await page.goto(`${baseURL}/staff/sign-in`);
  await page.locator('#username').fill(name);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/** A demo ticket's defendant pleads guilty to its one charge online (the public API). */
async function pleadGuiltyOnline(baseURL, number, dateOfBirth, signatureName) {
  const body = {
    citation_number: number, date_of_birth: dateOfBirth, pleas: [{ charge_seq: 1, plea: 'guilty' }],
    language: 'en', signature_name: signatureName, attest: true,
  };
  const r = await fetch(`${baseURL}/api/v1/public/pleas`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(r.status, 201, await r.text());
}

module.exports = {
  checkPage,
  pleadGuiltyOnline,
  staffSignIn,
  AXE_TAGS,
  CHROMIUM,
  CODE,
  PEOPLE,
  SCREENSHOT_DIR,
  WORDS,
  answerByMail,
  assertNoPersonalDataInUrls,
  assertNoProblems,
  attest,
  axeViolations,
  checkStatus,
  choosePlea,
  downloadPdf,
  expectPage,
  expectReview,
  fillDob,
  fillPlea,
  formatViolations,
  h1,
  horizontalOverflow,
  launchBrowser,
  navigate,
  openLookup,
  openStart,
  pathOf,
  pdfFile,
  personalDataInUrls,
  pngFile,
  pressReview,
  reportingLeaks,
  screenshot,
  submitLookup,
  submitPlea,
  todayTyped,
  track,
  wholeFlow,
};
