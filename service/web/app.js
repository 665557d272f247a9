// The front desk's page: forms that call the estimator's API over the Connect protocol (JSON) on
// this origin, and tables that show its answers. The page computes no money: every amount is the
// API's, in integer cents, only formatted here. The access token lives in this tab's memory.
'use strict';

const state = {
  token: '',            // never stored anywhere but this variable
  payers: null,         // the ListPayers answer
  lastComparison: null, // the CompareTreatments request last answered
};

// ---- the API ------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

async function call(service, method, request) {
  const headers = { 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  let response;
  try {
    response = await fetch(`/estimator.v1.${service}/${method}`, {
      method: 'POST', headers, body: JSON.stringify(request),
    });
  } catch (e) {
    throw new ApiError('unavailable', `The estimator could not be reached (${e.message}).`);
  }
  const text = await response.text();
  let body = null;
  try { body = JSON.parse(text); } catch (e) { body = null; }
  if (!response.ok) {
    throw new ApiError(body?.code ?? 'unknown', body?.message ?? `HTTP ${response.status}`);
  }
  return body;
}

// ---- formatting (no arithmetic on money beyond splitting cents into dollars) ---------------------

// "123456" (cents, as the API sends int64) -> "$1,234.56".
function dollars(cents) {
  const value = BigInt(cents ?? 0);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const part = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}$${whole}.${part}`;
}

// "1,234.5" -> "123450" (cents as a string, for an int64 field); null for a blank field.
function centsFromInput(id, label) {
  const text = document.getElementById(id).value.trim().replace(/[$,]/g, '');
  if (text === '') return null;
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new FieldError(id, `${label}: enter an amount in dollars, like 250.00`);
  return (BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'))).toString();
}

const WORDS = {
  COVERAGE_STATUS_COVERED: 'Covered',
  COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH: 'Covered with prior authorization',
  COVERAGE_STATUS_NOT_COVERED: 'Not covered',
  COVERAGE_STATUS_SELF_PAY: 'Self-pay',
  COVERAGE_STATUS_CRITERIA_NOT_MET: 'Criteria not shown met',
  CRITERION_STATUS_MET: 'Met',
  CRITERION_STATUS_NOT_MET: 'Not met',
  CRITERION_STATUS_MISSING_INFORMATION: 'Missing information',
  TREATMENT_TMS: 'TMS',
  TREATMENT_SPRAVATO: 'Spravato (esketamine)',
  TREATMENT_IV_KETAMINE: 'IV ketamine',
  PHASE_ACUTE: 'Acute',
  PHASE_TAPER: 'Taper',
  PHASE_MAINTENANCE: 'Maintenance',
  DOCUMENTATION_KIND_CLINICAL: 'clinical',
  DOCUMENTATION_KIND_ADMIN: 'administrative',
  QUOTE_KIND_ESTIMATE: 'Estimate',
  QUOTE_KIND_COMPARISON: 'Comparison',
  QUOTE_KIND_GOOD_FAITH_ESTIMATE: 'Good Faith Estimate',
  QUOTE_STATUS_ISSUED: 'Issued',
  QUOTE_STATUS_VOIDED: 'Voided',
  QUOTE_STATUS_REPLACED: 'Replaced',
  QUOTE_STATUS_EXPIRED: 'Expired',
};
const words = (value) => WORDS[value] ?? value ?? '';

// ---- errors shown where they belong ---------------------------------------------------------------

class FieldError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

// The request field an API message begins with -> the input it came from (longest match wins).
const FIELD_OF = [
  ['course_start_date', 'start'],
  ['clinic_id', 'clinic'],
  ['coverage.insurance.payer_id', 'plan'],
  ['coverage.insurance.plan_id', 'plan'],
  ['coverage.insurance.network', 'network'],
  ['coverage.insurance.coverage_tier', 'tier'],
  ['coverage.insurance.met_so_far.deductible_met_cents', 'deductible-met'],
  ['coverage.insurance.met_so_far.out_of_pocket_met_cents', 'oop-met'],
  ['documentation', 'documentation'],
  ['payer_id', 'plan'],
  ['plan_id', 'plan'],
  ['treatment', 'readiness-treatment'],
  ['patient.name', 'gfe-name'],
  ['patient.date_of_birth', 'gfe-birth'],
  ['diagnosis_codes', 'gfe-diagnoses'],
  ['patient_reference', 'patient-ref'],
];

function fieldOf(message, context) {
  // Quote and GFE requests wrap the estimate: "estimate.course_start_date: ..." names the same field.
  const bare = message.replace(/^(estimate|comparison)\./, '');
  let best = null;
  for (const [path, id] of FIELD_OF) {
    if (bare.startsWith(path) && (!best || path.length > best[0].length)) best = [path, id];
  }
  if (!best) return null;
  if (best[1] === 'patient-ref' && context === 'find') return 'find-ref';
  if (best[1] === 'readiness-treatment' && context === 'gfe') return 'gfe-treatment';
  return best[1];
}

function clearErrors() {
  document.querySelectorAll('.field-error').forEach((p) => { p.hidden = true; p.textContent = ''; });
  document.querySelectorAll('[aria-invalid="true"]').forEach((e) => e.removeAttribute('aria-invalid'));
  const alert = document.getElementById('alert');
  alert.hidden = true;
  alert.textContent = '';
}

function showError(error, context) {
  const field = error instanceof FieldError ? error.field : fieldOf(error.message, context);
  const input = field ? document.getElementById(field) : null;
  if (input) {
    const p = document.getElementById(`${field}-error`);
    p.textContent = error.message;
    p.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  const alert = document.getElementById('alert');
  alert.textContent = error.message;
  alert.hidden = false;
}

// Runs an action of the page, showing what goes wrong next to its field or in the alert.
async function act(context, action) {
  clearErrors();
  try {
    await action();
  } catch (e) {
    showError(e, context);
  }
}

// ---- building requests from the form -----------------------------------------------------------

const value = (id) => document.getElementById(id).value.trim();
const selfPay = () => document.getElementById('pay-self').checked;

function coverage() {
  if (selfPay()) return { selfPay: {} };
  const [payerId, planId] = value('plan').split('/');
  const insurance = { payerId, planId, network: value('network') };
  if (value('tier')) insurance.coverageTier = value('tier');
  const metSoFar = {};
  const deductible = centsFromInput('deductible-met', 'Deductible met');
  const oop = centsFromInput('oop-met', 'Out-of-pocket spent');
  if (deductible !== null) metSoFar.deductibleMetCents = deductible;
  if (oop !== null) metSoFar.outOfPocketMetCents = oop;
  if (Object.keys(metSoFar).length > 0) insurance.metSoFar = metSoFar;
  return { insurance };
}

async function documentation() {
  const file = document.getElementById('documentation').files[0];
  if (!file) return null;
  try {
    return JSON.parse(await file.text());
  } catch (e) {
    throw new FieldError('documentation', `documentation: ${file.name} is not JSON (${e.message})`);
  }
}

async function comparisonRequest() {
  const request = {
    clinicId: value('clinic'),
    coverage: coverage(),
    courseStartDate: value('start'),
    view: 'ESTIMATE_VIEW_SUMMARY',
  };
  const doc = await documentation();
  if (doc) request.documentation = doc;
  return request;
}

// ---- rendering ----------------------------------------------------------------------------------

function element(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function row(table, header, cells) {
  const tr = table.insertRow();
  const th = element('th', header);
  th.scope = 'row';
  tr.appendChild(th);
  for (const cell of cells) {
    const td = tr.insertCell();
    if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell;
  }
}

function list(items) {
  const ul = element('ul');
  for (const item of items) ul.appendChild(element('li', item));
  return ul;
}

function renderComparison(answer) {
  const estimates = answer.estimates ?? [];
  const table = document.getElementById('comparison-table');
  table.replaceChildren();
  table.appendChild(element('caption', 'What the patient and the plan would pay for each treatment'));
  const head = table.createTHead().insertRow();
  head.appendChild(element('th', 'Treatment')).scope = 'col';
  for (const e of estimates) {
    const th = element('th', words(e.treatment));
    th.scope = 'col';
    th.dataset.treatment = e.treatment;
    head.appendChild(th);
  }
  const body = table.createTBody();
  row(body, 'Coverage', estimates.map((e) => words(e.coverage?.status)));
  row(body, 'Sessions', estimates.map((e) => String(e.totals?.sessionsScheduled ?? 0)));
  row(body, 'Patient pays', estimates.map((e) => element('span', dollars(e.totals?.patientCents), 'money patient')));
  row(body, 'Plan pays', estimates.map((e) => element('span', dollars(e.totals?.payerCents), 'money plan')));
  row(body, 'Patient could pay', estimates.map((e) => e.patientRange
    ? `${dollars(e.patientRange.lowCents)} to ${dollars(e.patientRange.highCents)}` : ''));
  row(body, 'Assumptions and warnings', estimates.map((e) => list((e.notices ?? []).map((n) => n.message))));
  row(body, 'In plain words', estimates.map((e) => e.plainSummary ?? ''));
  row(body, 'Sessions in detail', estimates.map((e) => {
    const button = element('button', `Show ${words(e.treatment)} sessions`);
    button.type = 'button';
    button.className = 'no-print';
    button.addEventListener('click', () => act('compare', () => showSessions(e)));
    return button;
  }));
  document.getElementById('comparison-summary').textContent = answer.summary ?? '';
  document.getElementById('comparison').hidden = false;
}

async function showSessions(estimate) {
  const request = {
    clinicId: state.lastComparison.clinicId,
    coverage: state.lastComparison.coverage,
    courseStartDate: state.lastComparison.courseStartDate,
    course: { treatment: estimate.treatment, protocolId: estimate.protocolId },
    view: 'ESTIMATE_VIEW_FULL',
  };
  if (state.lastComparison.documentation) request.documentation = state.lastComparison.documentation;
  const answer = await call('EstimatorService', 'EstimateCourse', request);
  const lines = answer.estimate?.lines ?? [];
  const table = document.getElementById('sessions-table');
  table.replaceChildren();
  table.appendChild(element('caption', `${words(estimate.treatment)}: ${answer.estimate?.protocolName ?? ''}`));
  const head = table.createTHead().insertRow();
  for (const title of ['Session', 'Date', 'Phase', 'Codes', 'Covered', 'Billed', 'Patient pays', 'Plan pays']) {
    head.appendChild(element('th', title)).scope = 'col';
  }
  const body = table.createTBody();
  for (const line of lines) {
    const tr = body.insertRow();
    const codes = (line.codes ?? []).map((c) => (c.units > 1 ? `${c.code} x${c.units}` : c.code)).join(', ');
    for (const cell of [String(line.sessionNumber ?? ''), line.date, words(line.phase), codes,
      line.covered ? 'Yes' : (line.notCoveredExplanation || 'No'),
      dollars(line.billedCents), dollars(line.patientCents), dollars(line.payerCents)]) {
      tr.insertCell().textContent = cell;
    }
  }
  const totals = answer.estimate?.totals ?? {};
  const foot = table.createTFoot().insertRow();
  const th = element('th', 'Total');
  th.scope = 'row';
  th.colSpan = 5;
  foot.appendChild(th);
  for (const cents of [totals.billedCents, totals.patientCents, totals.payerCents]) {
    foot.insertCell().textContent = dollars(cents);
  }
  const section = document.getElementById('sessions');
  section.hidden = false;
  section.querySelector('h2').focus?.();
}

function criterionItem(result) {
  const li = element('li');
  li.appendChild(element('span', `${words(result.status)}: `, `status ${result.status}`));
  li.appendChild(document.createTextNode(result.explanation ?? ''));
  if (result.children?.length) {
    const ul = element('ul');
    for (const child of result.children) ul.appendChild(criterionItem(child));
    li.appendChild(ul);
  }
  return li;
}

function renderReadiness(assessment) {
  document.getElementById('readiness-verdict').textContent = assessment.summary ?? '';
  const criteria = document.getElementById('readiness-criteria');
  criteria.replaceChildren(...(assessment.criteria ?? []).map(criterionItem));
  const checklist = document.getElementById('readiness-checklist');
  checklist.replaceChildren(...(assessment.checklist ?? []).map((item) => {
    const li = element('li', item.item);
    li.appendChild(element('span', ` (${words(item.kind)})`, 'hint'));
    return li;
  }));
  document.getElementById('readiness').hidden = false;
}

// ---- actions ------------------------------------------------------------------------------------

async function loadPayers() {
  const answer = await call('EstimatorService', 'ListPayers', {});
  state.payers = answer;
  const plan = document.getElementById('plan');
  plan.replaceChildren(...(answer.plans ?? []).map((p) => {
    const option = element('option', `${p.payerName}: ${p.planName}`);
    option.value = `${p.payerId}/${p.planId}`;
    return option;
  }));
  const clinic = document.getElementById('clinic');
  clinic.replaceChildren(...(answer.clinics ?? []).map((c) => {
    const option = element('option', c.name);
    option.value = c.clinicId;
    return option;
  }));
}

async function compare() {
  const request = await comparisonRequest();
  const answer = await call('EstimatorService', 'CompareTreatments', request);
  state.lastComparison = request;
  document.getElementById('sessions').hidden = true;
  document.getElementById('save-result').textContent = '';
  renderComparison(answer);
}

async function checkReadiness() {
  if (selfPay()) throw new FieldError('plan', 'Readiness is judged against a plan: choose Insurance and a plan.');
  const doc = await documentation();
  if (!doc) throw new FieldError('documentation', 'documentation: attach the patient\'s documentation file first.');
  const [payerId, planId] = value('plan').split('/');
  const answer = await call('EstimatorService', 'CheckPriorAuthReadiness', {
    payerId, planId, treatment: value('readiness-treatment'), documentation: doc,
  });
  renderReadiness(answer.assessment ?? {});
}

async function saveQuote() {
  const request = { comparison: state.lastComparison, channel: 'QUOTE_CHANNEL_FRONT_DESK' };
  if (value('patient-ref')) request.patientReference = value('patient-ref');
  const answer = await call('QuoteService', 'SaveQuote', request);
  document.getElementById('save-result').textContent =
    `Saved as quote ${answer.quote.quoteId}, in force until ${answer.quote.expiresAt}.`;
}

async function issueGfe() {
  const request = {
    estimate: {
      clinicId: value('clinic'), coverage: { selfPay: {} }, courseStartDate: value('start'),
      course: { treatment: value('gfe-treatment') },
    },
    patient: { name: value('gfe-name'), dateOfBirth: value('gfe-birth') },
    diagnosisCodes: value('gfe-diagnoses').split(',').map((c) => c.trim()).filter((c) => c),
    channel: 'QUOTE_CHANNEL_FRONT_DESK',
  };
  const answer = await call('QuoteService', 'IssueGoodFaithEstimate', request);
  const gfe = answer.quote.goodFaithEstimate;
  const result = document.getElementById('gfe-result');
  result.replaceChildren(
    document.createTextNode(`Issued as quote ${answer.quote.quoteId}: ${gfe.sessionsIncluded} sessions, `
      + `total expected charges ${dollars(gfe.totalExpectedChargesCents)}. `));
  const link = element('a', 'Download the printable estimate');
  link.href = URL.createObjectURL(new Blob([gfe.documentHtml], { type: 'text/html' }));
  link.download = 'good-faith-estimate.html';
  result.appendChild(link);
}

async function findQuotes() {
  const request = { clinicId: value('clinic') };
  if (value('find-ref')) request.patientReference = value('find-ref');
  const answer = await call('QuoteService', 'ListQuotes', request);
  const table = document.getElementById('quotes-table');
  table.replaceChildren();
  table.appendChild(element('caption', `${(answer.quotes ?? []).length} saved quotes`));
  const head = table.createTHead().insertRow();
  for (const title of ['Quote', 'Kind', 'Status', 'Saved', 'Patient reference']) {
    head.appendChild(element('th', title)).scope = 'col';
  }
  const body = table.createTBody();
  for (const q of answer.quotes ?? []) {
    const tr = body.insertRow();
    for (const cell of [q.quoteId, words(q.kind), words(q.status), q.createdAt, q.patientReference ?? '']) {
      tr.insertCell().textContent = cell;
    }
  }
  table.hidden = false;
}

function onSubmit(id, context, action) {
  document.getElementById(id).addEventListener('submit', (event) => {
    event.preventDefault();
    act(context, action);
  });
}

function showInsuranceFields() {
  document.getElementById('insurance-fields').disabled = selfPay();
}

document.addEventListener('DOMContentLoaded', () => {
  onSubmit('sign-in', 'sign-in', async () => {
    state.token = value('token');
    document.getElementById('token').value = '';
    await loadPayers();
    document.getElementById('token-state').textContent = state.token ? 'Signed in.' : 'No token given.';
  });
  onSubmit('patient', 'compare', compare);
  onSubmit('readiness-form', 'readiness', checkReadiness);
  onSubmit('gfe-form', 'gfe', issueGfe);
  onSubmit('quotes-form', 'find', findQuotes);
  document.getElementById('save-quote').addEventListener('click', () => act('save', saveQuote));
  document.getElementById('pay-insurance').addEventListener('change', showInsuranceFields);
  document.getElementById('pay-self').addEventListener('change', showInsuranceFields);
  // A development server lets everyone in; a production one answers unauthenticated until a
  // token is given, which the alert then says.
  act('sign-in', loadPayers);
});
