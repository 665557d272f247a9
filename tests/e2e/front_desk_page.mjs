// Drives the front desk's page in Debian's headless Chromium (playwright-core) and checks what it
// shows against the API's own answers to the same requests, fetched here with Node's fetch and the
// same token. Stops at the first failed check, naming it. Run by front_desk_page_test.sh:
//
//   node front_desk_page.mjs BASE_URL TOKEN REPO_ROOT SCREENSHOT_DIR
//
// playwright-core is found in build/tools/node_modules (deploy/install-deps.sh puts it there).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [base, token, root, shots] = process.argv.slice(2);
if (!shots) {
  console.error('usage: node front_desk_page.mjs BASE_URL TOKEN REPO_ROOT SCREENSHOT_DIR');
  process.exit(2);
}
const tools = process.env.ESTIMATOR_TOOLS_DIR || path.join(root, 'build', 'tools');
const require = createRequire(path.join(tools, 'package.json'));
const { chromium } = require('playwright-core');

const STEP_TIMEOUT_MS = 15000;
const EXAMPLES = path.join(root, 'deploy', 'examples');

// ---- checks ---------------------------------------------------------------------------------------

class CheckFailed extends Error {}
let passed = 0;
function check(ok, what, detail) {
  if (!ok) throw new CheckFailed(detail === undefined ? what : `${what}\n    ${detail}`);
  passed += 1;
  console.log(`ok: ${what}`);
}
const same = (a, b) => canonical(a) === canonical(b);
// JSON with keys sorted, so that two requests compare by content.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// The API itself, from Node: { status, body }.
async function api(method, request, bearer = token) {
  const headers = { 'Content-Type': 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const response = await fetch(`${base}/estimator.v1.${method}`, {
    method: 'POST', headers, body: JSON.stringify(request), signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.json() };
}
async function apiOk(method, request) {
  const answer = await api(method, request);
  check(answer.status === 200, `the API answers ${method}`, JSON.stringify(answer.body));
  return answer.body;
}

// How the page must write the API's cents, computed independently of the page's code: Intl reads
// a decimal string exactly, so no float is involved.
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
function dollars(cents) {
  const c = BigInt(cents ?? 0);
  return usd.format(`${c / 100n}.${String(c % 100n).padStart(2, '0')}`);
}

// ---- the browser ----------------------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],  // CI runs as root, where Chromium's sandbox cannot start
});
const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
context.setDefaultTimeout(STEP_TIMEOUT_MS);
const page = await context.newPage();

// Anything wrong the browser sees: console errors, script errors, requests to other origins. A
// refused API call is logged by Chromium as a failed resource; a step that provokes one says which
// status it expects.
const problems = [];
let expectedStatuses = [];
page.on('console', (m) => {
  if (m.type() !== 'error') return;
  const status = /the server responded with a status of (\d{3})/.exec(m.text());
  const fromApi = (m.location().url ?? '').startsWith(`${base}/estimator.v1.`);
  if (status && fromApi && expectedStatuses.includes(Number(status[1]))) return;
  problems.push(`console error: ${m.text()} (${m.location().url})`);
});
page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
page.on('request', (r) => {
  const url = r.url();
  if (!url.startsWith(`${base}/`) && !url.startsWith(`blob:${base}/`)) problems.push(`request to another origin: ${url}`);
});
function checkNoProblems(what) {
  check(problems.length === 0, what, problems.join('\n    '));
}

const activeId = () => page.evaluate(() => document.activeElement?.id ?? '');
async function tabTo(id, what) {
  await page.keyboard.press('Tab');
  check(await activeId() === id, `keyboard: Tab reaches ${what}`, `focus is on #${await activeId()}`);
}
const text = async (selector) => (await page.locator(selector).textContent()).trim();
const texts = async (selector) => (await page.locator(selector).allTextContents()).map((t) => t.trim());
// The JSON of the next call of `method` the page makes, with its headers, while `action` runs.
async function requestOf(method, action) {
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url() === `${base}/estimator.v1.${method}`), action()]);
  return { body: request.postDataJSON(), headers: await request.allHeaders() };
}
const shot = (name, locator) => (locator ?? page).screenshot({ path: path.join(shots, name), ...(locator ? {} : { fullPage: true }) });
const example = (name) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));

// ---- the steps ------------------------------------------------------------------------------------

async function pageLoads() {
  const assets = new Map();
  const record = (r) => assets.set(new URL(r.url()).pathname, r.status());
  page.on('response', record);
  const response = await page.goto(`${base}/`, { waitUntil: 'load' });
  page.off('response', record);
  check(response.status() === 200, 'the page is served at /');
  check(['/app.js', '/style.css'].every((p) => assets.get(p) === 200), 'its script and style sheet load',
    JSON.stringify([...assets]));
  const csp = response.headers()['content-security-policy'] ?? '';
  check(csp.includes("script-src 'self'") && csp.includes("style-src 'self'"),
    'the page is served with the Content-Security-Policy (so a violation would be a console error)', csp);
  const html = await response.text();
  check(!/<style|<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=/i.test(html), 'no inline script, style or event attribute');
  check(await page.locator('#workspace').isHidden(), 'before signing in only the sign-in form is shown');
  checkNoProblems('the page loads with no console error and no request to another origin');
}

async function refusedWithoutToken() {
  expectedStatuses = [401];
  await tabTo('token', 'the access token first');
  const sent = await requestOf('EstimatorService/ListPayers', () => page.keyboard.press('Enter'));
  check(!sent.headers.authorization, 'signing in with a blank token sends no Authorization header');
  const refusal = await api('EstimatorService/ListPayers', {}, '');
  check(refusal.status === 401 && refusal.body.code === 'unauthenticated', 'without a token this server answers unauthenticated');
  await page.locator('#alert').waitFor({ state: 'visible' });
  check(await text('#alert') === refusal.body.message, `the page shows its message: "${refusal.body.message}"`, await text('#alert'));
  check(await page.locator('#workspace').isHidden(), 'and nothing else opens');

  // A wrong token: the API's message names `authorization`, shown at the token field.
  await page.keyboard.type('not-the-token');
  await page.keyboard.press('Enter');
  const wrong = await api('EstimatorService/ListPayers', {}, 'not-the-token');
  await page.locator('#token-error').waitFor({ state: 'visible' });
  check(await text('#token-error') === wrong.body.message && await page.getAttribute('#token', 'aria-invalid') === 'true',
    `a wrong token: "${wrong.body.message}" at the token field`, await text('#token-error'));
  checkNoProblems('no other console error');
  expectedStatuses = [];
}

// Sign in and fill the comparison with the keyboard alone (Tab, typing, Space), from the token field.
const COMPARISON = {
  clinicId: 'riverbend',
  coverage: { insurance: { payerId: 'aetna', planId: 'open_access_ppo', network: 'NETWORK_IN_NETWORK',
    metSoFar: { deductibleMetCents: '25000', outOfPocketMetCents: '140050' } } },
  courseStartDate: '2026-12-14',
  view: 'ESTIMATE_VIEW_SUMMARY',
};
async function compareWithKeyboard() {
  check(await activeId() === 'token', 'focus is back on the token field');
  const signIn = await requestOf('EstimatorService/ListPayers', async () => {
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
  });
  check(signIn.headers.authorization === `Bearer ${token}`, 'signing in sends the token as a Bearer Authorization header');
  await page.locator('#workspace').waitFor({ state: 'visible' });
  check(await page.evaluate(() => document.getElementById('token').value === '' && !document.cookie
    && localStorage.length === 0 && sessionStorage.length === 0), 'the token is in no field, cookie or storage');
  check((await context.cookies()).length === 0, 'the browser holds no cookie');
  const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input, select')]
    .filter((e) => e.labels.length === 0).map((e) => e.id));
  check(unlabeled.length === 0, 'every input has a label', unlabeled.join(', '));

  await tabTo('sign-in-button', 'the sign-in button');
  await tabTo('clinic', 'the clinic');
  await page.keyboard.type('Riverbend');
  check(await page.inputValue('#clinic') === 'riverbend', 'typing chooses the clinic riverbend');
  await tabTo('start', 'the first session date');
  await page.keyboard.type('2026-12-14');
  await tabTo('pay-insurance', '"With insurance"');
  await tabTo('plan', 'the plan');
  await page.keyboard.type('Aetna Open');
  check(await page.inputValue('#plan') === 'aetna/open_access_ppo', 'typing chooses Aetna Open Access PPO');
  await tabTo('network', 'the network (in network)');
  await tabTo('tier', 'the coverage tier');
  await tabTo('deductible-met', 'the deductible met');
  await page.keyboard.type('250');
  await tabTo('oop-met', 'the out-of-pocket spent');
  await page.keyboard.type('1,400.5');
  await tabTo('documentation', 'the documentation file');
  await tabTo('compare', 'the compare button');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check(outline !== 'none', `the focused button shows it (outline ${outline})`);
  const sent = await requestOf('EstimatorService/CompareTreatments', () => page.keyboard.press('Space'));
  check(same(sent.body, COMPARISON), 'Space sends CompareTreatments with exactly the request expected ($250 and $1,400.50 as cents)',
    JSON.stringify(sent.body));
  check(sent.headers.authorization === `Bearer ${token}`, 'with the token');
  await page.locator('#comparison').waitFor({ state: 'visible' });
}

async function comparisonMatchesApi() {
  const answer = await apiOk('EstimatorService/CompareTreatments', COMPARISON);
  check(answer.estimates.length === 3, 'the API compares three treatments at riverbend');
  check(same(await texts('#comparison-table thead th'), ['Treatment', 'TMS', 'Spravato (esketamine)', 'IV ketamine']),
    'the three treatments appear side by side');
  for (const e of answer.estimates) {
    const cell = (row) => text(`#comparison-table td.${row}[data-treatment="${e.treatment}"]`);
    const shown = { patient: await cell('patient-total'), plan: await cell('plan-total') };
    const api = { patient: dollars(e.totals.patientCents), plan: dollars(e.totals.payerCents) };
    check(same(shown, api), `${e.treatment}: patient ${api.patient} and plan ${api.plan}, as the API says`, JSON.stringify(shown));
    const column = (await texts(`#comparison-table td[data-treatment="${e.treatment}"]`)).join('\n');
    const missing = [e.plainSummary, e.coverage.explanation, ...(e.notices ?? []).map((n) => n.message)]
      .filter((t) => !column.includes(t));
    check(missing.length === 0, `${e.treatment}: its coverage, plain summary and ${(e.notices ?? []).length} notices are shown`,
      missing.join('\n    '));
  }
  check(await text('#comparison-summary') === answer.summary, 'the comparison summary is the API\'s');
  await shot('comparison.png');
  return answer;
}

async function sessionsMatchApi(comparison) {
  // Keyboard: from the results heading, Tab reaches the first treatment's button.
  check(await activeId() === 'comparison-title', 'focus moves to the results');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.textContent) === 'Show TMS sessions', 'Tab reaches "Show TMS sessions"');
  await page.keyboard.press('Enter');
  await page.locator('#sessions').waitFor({ state: 'visible' });
  const tms = comparison.estimates.find((e) => e.treatment === 'TREATMENT_TMS');
  const { clinicId, coverage, courseStartDate } = COMPARISON;
  const answer = await apiOk('EstimatorService/EstimateCourse', { clinicId, coverage, courseStartDate,
    course: { treatment: 'TREATMENT_TMS', protocolId: tms.protocolId }, view: 'ESTIMATE_VIEW_FULL' });
  const lines = answer.estimate.lines;
  const column = (n) => texts(`#sessions-table tbody tr td:nth-child(${n})`);
  check((await column(1)).length === lines.length, `the sessions table has the API's ${lines.length} lines`);
  check((await column(2)).join() === lines.map((l) => l.date).join(), 'with the API\'s dates');
  check((await column(8)).join() === lines.map((l) => dollars(l.patientCents)).join(), 'each line\'s patient amount is the API\'s');
  check((await column(9)).join() === lines.map((l) => dollars(l.payerCents)).join(), 'each line\'s plan amount is the API\'s');
  const t = answer.estimate.totals;
  check((await texts('#sessions-table tfoot td')).join() === [t.billedCents, t.patientCents, t.payerCents].map(dollars).join(),
    'the totals are the API\'s');
  await shot('sessions.png', page.locator('#sessions'));
}

// Readiness from a documentation file, for a plan where the example is ready and where it is not.
const VERDICTS = {
  PRIOR_AUTH_READINESS_READY: 'Ready to submit',
  PRIOR_AUTH_READINESS_NOT_READY: 'Not ready: a request would be denied as it stands',
};
async function readinessMatchesApi() {
  // Out of network: from 2026-03-06 Evernorth asks Cigna's prior authorization for TMS only there.
  await page.selectOption('#plan', 'cigna/open_access_plus');
  await page.selectOption('#network', 'NETWORK_OUT_OF_NETWORK');
  for (const [file, verdict, png] of [['patient_tms_ready.json', 'PRIOR_AUTH_READINESS_READY', 'readiness.png'],
    ['patient_incomplete.json', 'PRIOR_AUTH_READINESS_NOT_READY', 'readiness_incomplete.png']]) {
    await page.setInputFiles('#documentation', path.join(EXAMPLES, file));
    await page.selectOption('#readiness-treatment', 'TREATMENT_TMS');
    const request = { payerId: 'cigna', planId: 'open_access_plus', network: 'NETWORK_OUT_OF_NETWORK',
      treatment: 'TREATMENT_TMS', plannedStartDate: '2026-12-14', documentation: example(file) };
    const sent = await requestOf('EstimatorService/CheckPriorAuthReadiness', () => page.click('#check-readiness'));
    check(same(sent.body, request), `${file}: the page sends the file's documentation for the chosen plan`, JSON.stringify(sent.body));
    const { assessment } = await apiOk('EstimatorService/CheckPriorAuthReadiness', request);
    check(assessment.priorAuth === verdict, `${file}: the API's verdict is ${verdict}`);
    await page.locator('#readiness').waitFor({ state: 'visible' });
    check(await text('#readiness-verdict') === VERDICTS[verdict] && await text('#readiness-summary') === assessment.summary,
      `${file}: the page shows "${VERDICTS[verdict]}" and "${assessment.summary}"`);
    const flatten = (cs) => (cs ?? []).flatMap((c) => [c, ...flatten(c.children)]);
    check((await texts('#readiness-criteria .explanation')).join('\n') === flatten(assessment.criteria).map((c) => c.explanation).join('\n'),
      `${file}: each of the ${flatten(assessment.criteria).length} criteria is shown with the API's explanation`);
    check((await texts('#readiness-checklist .item')).join('\n') === assessment.checklist.map((c) => c.item).join('\n'),
      `${file}: the checklist is the API's ${assessment.checklist.length} items, in order`);
    await shot(png, page.locator('#readiness'));
  }
  await page.selectOption('#plan', 'aetna/open_access_ppo');
  await page.selectOption('#network', 'NETWORK_IN_NETWORK');
  await page.setInputFiles('#documentation', []);
}

async function errorsAtTheirFields() {
  // The page's own check: dollars typed with three decimals never reach the API.
  let calls = 0;
  const count = (r) => { if (r.url().includes('/estimator.v1.')) calls += 1; };
  page.on('request', count);
  await page.fill('#deductible-met', '12.345');
  await page.click('#compare');
  await page.locator('#deductible-met-error').waitFor({ state: 'visible' });
  check(calls === 0 && await page.getAttribute('#deductible-met', 'aria-invalid') === 'true',
    `dollars with three decimals are refused at their field: "${await text('#deductible-met-error')}"`);
  page.off('request', count);
  await page.fill('#deductible-met', '250');

  // A date the API refuses: its message at the date input.
  expectedStatuses = [400];
  await page.fill('#start', '2026-02-30');
  const sent = await requestOf('EstimatorService/CompareTreatments', () => page.click('#compare'));
  const refusal = await api('EstimatorService/CompareTreatments', sent.body);
  check(refusal.status === 400 && refusal.body.message.startsWith('course_start_date'), 'the API refuses 2026-02-30, naming course_start_date');
  await page.locator('#start-error').waitFor({ state: 'visible' });
  check(await text('#start-error') === refusal.body.message, `its message is shown next to the date: "${refusal.body.message}"`);
  check(await page.getAttribute('#start', 'aria-invalid') === 'true'
    && (await page.getAttribute('#start', 'aria-describedby')).split(' ').includes('start-error'),
    'the date is aria-invalid and described by the message');
  check(await activeId() === 'start' && await page.locator('#alert').isHidden(), 'focus moves to the date; no general alert');
  check(await page.locator('#comparison').isHidden(), 'the earlier comparison is no longer shown');
  await shot('error.png', page.locator('#patient'));
  checkNoProblems('no console error but the refused call');
  expectedStatuses = [];
  await page.fill('#start', '2026-12-14');
}

async function saveAndFindQuote() {
  await page.click('#compare');
  await page.locator('#comparison').waitFor({ state: 'visible' });
  expectedStatuses = [400];
  await page.fill('#save-ref', 'not a reference!');
  await page.click('#save-quote');
  await page.locator('#save-ref-error').waitFor({ state: 'visible' });
  check((await text('#save-ref-error')).startsWith('patient_reference:'), 'a bad patient reference: the API\'s message at that field');
  expectedStatuses = [];
  await page.fill('#save-ref', 'PAGE-TEST-1');
  const sent = await requestOf('QuoteService/SaveQuote', () => page.click('#save-quote'));
  check(same(sent.body.comparison, COMPARISON) && sent.body.patientReference === 'PAGE-TEST-1', 'SaveQuote keeps the comparison shown');
  await page.locator('#save-result', { hasText: 'Saved as quote q_' }).waitFor();
  const quoteId = /q_[a-z2-7]{26}/.exec(await text('#save-result'))[0];

  await page.fill('#find-ref', 'PAGE-TEST-1');
  await page.click('#find-quotes');
  await page.locator('#quotes').waitFor({ state: 'visible' });
  const listed = await apiOk('QuoteService/ListQuotes', { clinicId: 'riverbend', patientReference: 'PAGE-TEST-1' });
  const shown = await texts('#quotes-table tbody td:first-child');
  check(same(shown, listed.quotes.map((q) => q.quoteId)) && shown.includes(quoteId), `the saved quote ${quoteId} is found`);
}

async function goodFaithEstimate() {
  await page.fill('#gfe-name', 'Ana <b>Test</b>');
  await page.fill('#gfe-birth', '1980-02-03');
  await page.fill('#gfe-diagnoses', 'F33.2, F41.1');
  await page.selectOption('#gfe-treatment', 'TREATMENT_IV_KETAMINE');
  // Still "With insurance": the API refuses, naming coverage, shown at the self-pay choice.
  expectedStatuses = [400];
  await page.click('#issue-gfe');
  await page.locator('#payment-error').waitFor({ state: 'visible' });
  check((await text('#payment-error')).startsWith('coverage:') && await page.getAttribute('#pay-self', 'aria-invalid') === 'true',
    'a GFE for an insured patient: the API\'s message at "Self-pay"');
  expectedStatuses = [];

  await page.check('#pay-self');
  await page.click('#issue-gfe');
  const link = page.locator('#gfe-download');
  await link.waitFor();
  check(await link.getAttribute('download') === 'good-faith-estimate.html'
    && (await link.getAttribute('href')).startsWith(`blob:${base}/`), 'the GFE is offered as a Blob URL download');
  const quoteId = /q_[a-z2-7]{26}/.exec(await text('#gfe-result'))[0];
  const { quote } = await apiOk('QuoteService/GetQuote', { quoteId });
  const gfe = quote.goodFaithEstimate;
  check((await text('#gfe-result')).includes(`total expected charges ${dollars(gfe.totalExpectedChargesCents)}`),
    `the GFE's total is the API's: ${dollars(gfe.totalExpectedChargesCents)}`);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = fs.readFileSync(await download.path(), 'utf8');
  check(download.suggestedFilename() === 'good-faith-estimate.html' && saved === gfe.documentHtml,
    'the downloaded page is the GFE document the API keeps, byte for byte');
  await shot('gfe.png', page.locator('#gfe-form'));
}

async function printed() {
  await page.emulateMedia({ media: 'print' });
  for (const id of ['sign-in', 'patient', 'readiness-form', 'gfe-form']) {
    check(await page.locator(`#${id}`).isHidden(), `printed: #${id} is left out`);
  }
  check(await page.locator('#comparison-table').isVisible() && await page.locator('button:visible').count() === 0,
    'printed: the comparison, without buttons');
  const colors = await page.evaluate(() => {
    const style = getComputedStyle(document.body);
    return [style.color, style.backgroundColor];
  });
  check(same(colors, ['rgb(0, 0, 0)', 'rgb(255, 255, 255)']), 'printed: black on white', colors.join(' on '));
  await shot('print.png');
  await page.emulateMedia({ media: 'screen' });
}

// ---- run ------------------------------------------------------------------------------------------

try {
  await pageLoads();
  await refusedWithoutToken();
  await compareWithKeyboard();
  const comparison = await comparisonMatchesApi();
  await sessionsMatchApi(comparison);
  await readinessMatchesApi();
  await errorsAtTheirFields();
  await saveAndFindQuote();
  await goodFaithEstimate();
  await printed();
  checkNoProblems('no console error, script error or request to another origin all along');
  console.log(`front_desk_page: ${passed} checks passed; screenshots in ${shots}`);
} catch (e) {
  console.error(`FAIL: ${e instanceof CheckFailed ? '' : 'unexpected: '}${e.message}`);
  await page.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
