// Drives the front desk's page in headless Chromium and checks what it shows against the API's
// own answers to the same requests (fetched here with the same token). Exits non-zero on the first
// failed check, naming it.
//
//   node front_desk_page.mjs BASE_URL TOKEN REPO_ROOT SCREENSHOT_DIR
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';

const [base, token, root, shots] = process.argv.slice(2);
const tools = path.resolve(process.env.ESTIMATOR_TOOLS_DIR || path.join(root, "build", "tools"));
const require = createRequire(path.join(tools, 'package.json'));
const { chromium } = require('playwright-core');

let checks = 0;
function check(ok, what) {
  if (!ok) {
    console.error(`FAIL: ${what}`);
    process.exitCode = 1;
    throw new Error(what);
  }
  checks += 1;
  console.log(`ok: ${what}`);
}

async function api(method, request, withToken = true) {
  const headers = { 'Content-Type': 'application/json' };
  if (withToken) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(`${base}/estimator.v1.${method}`, { method: 'POST', headers, body: JSON.stringify(request) });
  return { status: r.status, body: await r.json() };
}

// The page's way of writing cents, recomputed here from the API's integer cents.
function dollars(cents) {
  const v = BigInt(cents ?? 0);
  const whole = (v / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `$${whole}.${(v % 100n).toString().padStart(2, '0')}`;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(15000);
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('blob:')) problems.push(`request to ${r.url()}`); });

  // 1. Without a token, this server refuses, and the page says so.
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.locator('#alert').waitFor({ state: 'visible' });
  const refusal = await page.locator('#alert').textContent();
  const unauthenticated = await api('EstimatorService/ListPayers', {}, false);
  check(unauthenticated.status === 401 && refusal === unauthenticated.body.message,
        `without a token the page shows the API's refusal ("${refusal}")`);
  // 401 answers are logged by Chromium as failed resources; they are expected here.
  problems.length = 0;

  // 2. Sign in with the keyboard alone: focus starts at the top of the page.
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.id) === 'token', 'Tab reaches the token field first');
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await page.locator('#token-state', { hasText: 'Signed in.' }).waitFor();
  check(await page.locator('#plan option').count() >= 7, 'the plans are loaded from ListPayers');
  check(await page.evaluate(() => !window.localStorage.length && !window.sessionStorage.length && !document.cookie),
        'the token is in no storage and no cookie');

  // 3. A front-desk comparison, filled in and run with the keyboard (Tab, typing, Enter).
  await page.locator('#clinic').focus();
  await page.selectOption('#clinic', 'riverbend');
  await page.selectOption('#plan', 'aetna/open_access_ppo');
  await page.locator('#deductible-met').focus();
  await page.keyboard.type('250');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.id) === 'oop-met', 'Tab moves from the deductible to the out-of-pocket field');
  await page.keyboard.type('400.00');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.id) === 'start', 'then to the start date');
  await page.keyboard.type('2026-12-14');
  await page.keyboard.press('Tab');  // the documentation file input
  await page.keyboard.press('Tab');  // the compare button
  check(await page.evaluate(() => document.activeElement.id) === 'compare', 'then to the compare button');
  await page.keyboard.press('Enter');
  await page.locator('#comparison').waitFor({ state: 'visible' });
  const expected = await api('EstimatorService/CompareTreatments', {
    clinicId: 'riverbend', courseStartDate: '2026-12-14', view: 'ESTIMATE_VIEW_SUMMARY',
    coverage: { insurance: { payerId: 'aetna', planId: 'open_access_ppo', network: 'NETWORK_IN_NETWORK',
      metSoFar: { deductibleMetCents: '25000', outOfPocketMetCents: '40000' } } },
  });
  check(expected.status === 200 && expected.body.estimates.length === 3, 'the API compares three treatments');
  const patient = await page.locator('#comparison-table .money.patient').allTextContents();
  const plan = await page.locator('#comparison-table .money.plan').allTextContents();
  check(JSON.stringify(patient) === JSON.stringify(expected.body.estimates.map((e) => dollars(e.totals.patientCents))),
        `patient totals shown equal the API's: ${patient.join(', ')}`);
  check(JSON.stringify(plan) === JSON.stringify(expected.body.estimates.map((e) => dollars(e.totals.payerCents))),
        `plan totals shown equal the API's: ${plan.join(', ')}`);
  const tableText = await page.locator('#comparison-table').textContent();
  for (const e of expected.body.estimates) {
    check(tableText.includes(e.plainSummary), `the plain summary of ${e.treatment} is shown`);
    for (const n of e.notices ?? []) check(tableText.includes(n.message), `notice ${n.code} of ${e.treatment} is shown`);
  }
  await page.screenshot({ path: path.join(shots, 'comparison.png'), fullPage: true });

  // 4. One treatment's sessions: the lines of EstimateCourse in the full view.
  await page.getByRole('button', { name: 'Show TMS sessions' }).click();
  await page.locator('#sessions').waitFor({ state: 'visible' });
  const tms = expected.body.estimates.find((e) => e.treatment === 'TREATMENT_TMS');
  const full = await api('EstimatorService/EstimateCourse', {
    clinicId: 'riverbend', courseStartDate: '2026-12-14', view: 'ESTIMATE_VIEW_FULL',
    coverage: { insurance: { payerId: 'aetna', planId: 'open_access_ppo', network: 'NETWORK_IN_NETWORK',
      metSoFar: { deductibleMetCents: '25000', outOfPocketMetCents: '40000' } } },
    course: { treatment: 'TREATMENT_TMS', protocolId: tms.protocolId },
  });
  const rows = await page.locator('#sessions-table tbody tr').count();
  check(rows === full.body.estimate.lines.length, `the sessions table has one row per line (${rows})`);
  const coveredCells = await page.locator('#sessions-table tbody tr td:nth-child(5)').allTextContents();
  check(coveredCells.filter((c) => c === 'Yes').length === full.body.estimate.lines.filter((l) => l.covered).length,
        'the sessions marked covered are the API\'s covered lines');
  const patientCells = await page.locator('#sessions-table tbody tr td:nth-child(7)').allTextContents();
  check(JSON.stringify(patientCells) === JSON.stringify(full.body.estimate.lines.map((l) => dollars(l.patientCents))),
        'each session\'s patient amount is the API\'s line amount');
  const footer = await page.locator('#sessions-table tfoot').textContent();
  check(footer.includes(dollars(full.body.estimate.totals.patientCents)), 'the sessions total is the API\'s');
  await page.screenshot({ path: path.join(shots, 'sessions.png'), fullPage: true });

  // 5. Readiness with a documentation file, then an incomplete one.
  for (const [file, treatment] of [['patient_tms_ready.json', 'TREATMENT_TMS'], ['patient_incomplete.json', 'TREATMENT_TMS']]) {
    const documentation = JSON.parse(fs.readFileSync(path.join(root, 'deploy', 'examples', file), 'utf8'));
    await page.setInputFiles('#documentation', path.join(root, 'deploy', 'examples', file));
    await page.selectOption('#readiness-treatment', treatment);
    await page.click('#check-readiness');
    const answer = await api('EstimatorService/CheckPriorAuthReadiness',
      { payerId: 'aetna', planId: 'open_access_ppo', treatment, documentation });
    await page.locator('#readiness-verdict', { hasText: answer.body.assessment.summary }).waitFor();
    const items = await page.locator('#readiness-checklist > li').count();
    check(items === (answer.body.assessment.checklist ?? []).length, `${file}: the verdict and the ${items} checklist items are the API's`);
    await page.screenshot({ path: path.join(shots, `readiness_${file.replace('.json', '')}.png`), fullPage: true });
  }

  // 6. An error the API finds, shown at its field.
  await page.fill('#start', '2026-02-30');
  await page.click('#compare');
  await page.locator('#start-error').waitFor({ state: 'visible' });
  const wrong = await api('EstimatorService/CompareTreatments', {
    clinicId: 'riverbend', courseStartDate: '2026-02-30', coverage: { selfPay: {} } });
  const shown = await page.locator('#start-error').textContent();
  check(wrong.status === 400 && shown === wrong.body.message, `the API's message is shown at the date: "${shown}"`);
  check(await page.getAttribute('#start', 'aria-invalid') === 'true', 'the date is marked invalid for assistive technology');
  check(await page.evaluate(() => document.activeElement.id) === 'start', 'focus moves to the field in error');
  await page.screenshot({ path: path.join(shots, 'error.png'), fullPage: true });
  // Chromium logs the 400 as a failed resource; it is the answer this step asked for.
  const others = problems.filter((p) => !p.includes('status of 400'));
  problems.length = 0;
  problems.push(...others);

  // 7. Save the comparison as a quote, find it, issue a Good Faith Estimate for self-pay.
  await page.fill('#start', '2026-12-14');
  await page.setInputFiles('#documentation', []);
  await page.click('#compare');
  await page.locator('#comparison-table').waitFor();
  await page.fill('#patient-ref', 'PAGE-TEST-1');
  await page.click('#save-quote');
  await page.locator('#save-result', { hasText: 'Saved as quote q_' }).waitFor();
  await page.fill('#find-ref', 'PAGE-TEST-1');
  await page.click('#find-quotes');
  await page.locator('#quotes-table caption', { hasText: '1 saved quotes' }).waitFor();
  check(true, 'a saved quote is found by its patient reference');
  await page.check('#pay-self');
  await page.fill('#gfe-name', 'Ana <b>Test</b>');
  await page.fill('#gfe-birth', '1980-02-03');
  await page.fill('#gfe-diagnoses', 'F33.2');
  await page.click('#issue-gfe');
  await page.locator('#gfe-result a', { hasText: 'Download the printable estimate' }).waitFor();
  const gfeText = await page.locator('#gfe-result').textContent();
  check(/Issued as quote q_\w+: \d+ sessions, total expected charges \$[\d,]+\.\d\d/.test(gfeText), `the GFE is issued: ${gfeText}`);

  // 8. Printed: forms and buttons hidden, the results in black on white.
  await page.emulateMedia({ media: 'print' });
  check(!(await page.locator('#patient').isVisible()), 'the forms are not printed');
  check(await page.locator('#comparison-table').isVisible(), 'the comparison is printed');
  await page.screenshot({ path: path.join(shots, 'print.png'), fullPage: true });

  check(problems.length === 0, `no console errors and no request elsewhere${problems.length ? ': ' + problems.join('; ') : ''}`);
  console.log(`front desk page: ${checks} checks passed`);
} catch (e) {
  if (!process.exitCode) {
    console.error(`FAIL: ${e.message}`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}
