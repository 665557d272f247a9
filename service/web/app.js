// The front desk's page. Every figure it shows comes from the estimator's API (Connect protocol,
// JSON, on this origin); the page adds up and multiplies nothing. It only writes the API's integer
// cents as dollars and turns the dollars typed in into cents, both as text. The access token lives
// in a variable of this tab and nowhere else (no cookie, no storage), so a reload signs out.
'use strict';

const state = {
  token: '',              // the bearer token typed in; '' sends no Authorization header
  clinics: [],            // ListPayers' clinics, for their names and offered treatments
  lastComparison: null,   // the CompareTreatments request whose answer is on the page
  quotesRequest: null,    // the ListQuotes request of the table shown, for its next pages
  gfeUrl: null,           // the Blob URL of the Good Faith Estimate offered for download
};

// ---- the API ------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// One unary Connect call: the answer's JSON, or an ApiError with the server's code and message.
async function call(service, method, request) {
  const headers = { 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  let response;
  try {
    response = await fetch(`/estimator.v1.${service}/${method}`, {
      method: 'POST', headers, body: JSON.stringify(request), credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError('unavailable', `The estimator could not be reached (${e.message}).`);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;  // a proxy's HTML error page, for instance
  }
  if (!response.ok) {
    throw new ApiError(body?.code ?? 'unknown',
      body?.message ?? `The estimator answered with HTTP status ${response.status}.`);
  }
  return body ?? {};
}

// ---- money, dates and words ----------------------------------------------------------------------

// Integer cents as the API sends them (int64 as a string; absent means 0) -> "$1,234.56". Done on
// the digits, so no amount ever passes through floating point.
function dollars(cents) {
  const text = String(cents ?? '0');
  const match = /^(-?)(\d+)$/.exec(text);
  if (!match) throw new Error(`The estimator sent an amount that is not whole cents: ${text}`);
  const digits = match[2].padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${match[1]}$${whole}.${digits.slice(-2)}`;
}

// "1,234.5" typed in -> "123450" (cents, as a string for an int64 field); null when left blank.
const DOLLARS_TYPED = /^\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;
function centsTyped(id) {
  const text = fieldValue(id);
  if (text === '') return null;
  const match = DOLLARS_TYPED.exec(text);
  if (!match) throw new FieldError(id, 'Enter dollars and cents, like 1,250.00, or leave it blank if not known.');
  const digits = match[1].replaceAll(',', '') + (match[2] ?? '').padEnd(2, '0');
  return digits.replace(/^0+(?=\d)/, '');
}

const sessionCount = (n) => `${n ?? 0} ${n === 1 ? 'session' : 'sessions'}`;

// "2026-12-05T14:03:07.123456Z" -> "2026-12-05 14:03 UTC".
const instant = (text) => (text ? `${text.slice(0, 10)} ${text.slice(11, 16)} UTC` : '');

// The API's enum names in the words the front desk uses (meanings from the .proto comments).
const WORDS = {
  TREATMENT_TMS: 'TMS',
  TREATMENT_SPRAVATO: 'Spravato (esketamine)',
  TREATMENT_IV_KETAMINE: 'IV ketamine',
  COVERAGE_STATUS_COVERED: 'Covered',
  COVERAGE_STATUS_COVERED_WITH_PRIOR_AUTH: 'Covered once prior authorization is approved',
  COVERAGE_STATUS_NOT_COVERED: 'Not covered',
  COVERAGE_STATUS_SELF_PAY: 'Self-pay',
  COVERAGE_STATUS_CRITERIA_NOT_MET: "Plan's criteria not shown to be met yet",
  PHASE_ACUTE: 'Acute',
  PHASE_TAPER: 'Taper',
  PHASE_MAINTENANCE: 'Maintenance',
  BENEFIT_MEDICAL: 'Medical benefit',
  BENEFIT_PHARMACY: 'Pharmacy benefit',
  BENEFIT_UNSPECIFIED: 'Not billed to insurance',
  COVERAGE_REQUIREMENT_COVERED: 'Covered: every criterion is met, or the plan states none',
  COVERAGE_REQUIREMENT_NOT_COVERED: 'Not covered: the plan excludes it',
  COVERAGE_REQUIREMENT_CRITERIA_NOT_MET: 'Covered by the plan, but a criterion is not met as documented',
  COVERAGE_REQUIREMENT_CONDITIONAL: 'Covered once the missing information shows the criteria are met',
  PRIOR_AUTH_READINESS_NOT_NEEDED: 'Not asked for by the plan (or the plan does not cover the treatment)',
  PRIOR_AUTH_READINESS_READY: 'Ready to submit',
  PRIOR_AUTH_READINESS_NOT_READY: 'Not ready: a request would be denied as it stands',
  PRIOR_AUTH_READINESS_INFO_NEEDED: 'Information needed before the criteria can be judged',
  DOCUMENTATION_NEEDED_NONE: 'None',
  DOCUMENTATION_NEEDED_CLINICAL: 'Clinical',
  DOCUMENTATION_NEEDED_ADMIN: 'Administrative',
  DOCUMENTATION_NEEDED_BOTH: 'Clinical and administrative',
  CRITERION_STATUS_MET: 'Met',
  CRITERION_STATUS_NOT_MET: 'Not met',
  CRITERION_STATUS_MISSING_INFORMATION: 'Missing information',
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
// proto3 JSON leaves out enum fields at their zero value.
const words = (value, zero) => WORDS[value ?? zero] ?? value ?? '';

// ---- errors, shown at the field they are about ---------------------------------------------------

// A problem the page finds itself, before asking the API.
class FieldError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

// The API's messages begin with the path of the request field they are about
// ("coverage.insurance.plan_id: ..."). Which input that field came from, per action; the
// longest path that matches wins.
const COMMON_FIELDS = {
  authorization: 'token',
  clinic_id: 'clinic',
  course_start_date: 'start',
  planned_start_date: 'start',
  coverage: 'pay-self',  // e.g. a Good Faith Estimate asked for an insured patient
  'coverage.insurance': 'plan',
  'coverage.insurance.payer_id': 'plan',
  'coverage.insurance.plan_id': 'plan',
  'coverage.insurance.network': 'network',
  'coverage.insurance.coverage_tier': 'tier',
  'coverage.insurance.met_so_far': 'deductible-met',
  'coverage.insurance.met_so_far.deductible_met_cents': 'deductible-met',
  'coverage.insurance.met_so_far.out_of_pocket_met_cents': 'oop-met',
  documentation: 'documentation',
  payer_id: 'plan',
  plan_id: 'plan',
};
const ACTION_FIELDS = {
  readiness: { treatment: 'readiness-treatment' },
  save: { patient_reference: 'save-ref' },
  find: { patient_reference: 'find-ref' },
  gfe: {
    treatment: 'gfe-treatment',
    'course.treatment': 'gfe-treatment',
    patient: 'gfe-name',
    'patient.name': 'gfe-name',
    'patient.date_of_birth': 'gfe-birth',
    diagnosis_codes: 'gfe-diagnoses',
    scheduled_on: 'gfe-scheduled',
    patient_reference: 'gfe-ref',
  },
};

function inputForMessage(message, action) {
  // The documentation file is the only JSON the page does not build itself, so a request body the
  // server cannot read is the file's fault; its message names "(documentation)".
  if (message.startsWith('request body:') && message.includes('(documentation')) return 'documentation';
  // Quotes wrap the estimate request: "estimate.course_start_date" is the same date input.
  const path = message.replace(/^(estimate|comparison)\./, '');
  const fields = { ...COMMON_FIELDS, ...ACTION_FIELDS[action] };
  let best = null;
  for (const prefix of Object.keys(fields)) {
    const boundary = path.charAt(prefix.length);
    const matches = path.startsWith(prefix) && (boundary === '' || ':.[ '.includes(boundary));
    if (matches && (!best || prefix.length > best.length)) best = prefix;
  }
  return best ? fields[best] : null;
}

// The element that shows an input's error: the one its aria-describedby names "...-error".
function errorElementOf(input) {
  const id = (input.getAttribute('aria-describedby') ?? '').split(' ').find((i) => i.endsWith('-error'));
  return id ? document.getElementById(id) : null;
}

function clearErrors() {
  for (const p of document.querySelectorAll('.field-error')) {
    p.hidden = true;
    p.textContent = '';
  }
  for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  const alert = document.getElementById('alert');
  alert.hidden = true;
  alert.textContent = '';
}

function showError(error, action) {
  const id = error instanceof FieldError ? error.field : inputForMessage(error.message, action);
  const input = id ? document.getElementById(id) : null;
  const place = input ? errorElementOf(input) : null;
  // An input in a hidden part of the page (the sign-in token while signed in) cannot show it.
  if (place && input.offsetParent !== null) {
    place.textContent = error.message;
    place.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  const alert = document.getElementById('alert');
  alert.textContent = error.message;
  alert.hidden = false;
}

// Runs one action of the page (a form sent, a button pressed): clears the last errors, ignores a
// second press while the first is under way, and shows whatever goes wrong.
async function act(action, busyElement, work) {
  if (busyElement.getAttribute('aria-busy') === 'true') return;
  clearErrors();
  busyElement.setAttribute('aria-busy', 'true');
  try {
    await work();
  } catch (e) {
    showError(e, action);
  } finally {
    busyElement.removeAttribute('aria-busy');
  }
}

// ---- requests, from what is typed in ------------------------------------------------------------

const fieldValue = (id) => document.getElementById(id).value.trim();
const isSelfPay = () => document.getElementById('pay-self').checked;
// A plan option's value is "payerId/planId" (ids are plain words from the rule files).
const chosenPlan = () => {
  const [payerId, planId] = fieldValue('plan').split('/');
  return { payerId, planId };
};

function coverage() {
  if (isSelfPay()) return { selfPay: {} };
  const insurance = { ...chosenPlan(), network: fieldValue('network') };
  if (fieldValue('tier')) insurance.coverageTier = fieldValue('tier');
  const metSoFar = {};
  const deductible = centsTyped('deductible-met');
  const outOfPocket = centsTyped('oop-met');
  if (deductible !== null) metSoFar.deductibleMetCents = deductible;
  if (outOfPocket !== null) metSoFar.outOfPocketMetCents = outOfPocket;
  if (Object.keys(metSoFar).length > 0) insurance.metSoFar = metSoFar;
  return { insurance };
}

// The PatientDocumentation file chosen, parsed; null when none is.
async function documentation() {
  const file = document.getElementById('documentation').files[0];
  if (!file) return null;
  try {
    return JSON.parse(await file.text());
  } catch (e) {
    throw new FieldError('documentation', `${file.name} is not a JSON file (${e.message}).`);
  }
}

async function comparisonRequest() {
  const request = {
    clinicId: fieldValue('clinic'),
    coverage: coverage(),
    courseStartDate: fieldValue('start'),
    view: 'ESTIMATE_VIEW_SUMMARY',
  };
  const doc = await documentation();
  if (doc) request.documentation = doc;
  return request;
}

// ---- building the page's tables and lists --------------------------------------------------------

function element(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function list(items, className) {
  const ul = element('ul', null, className);
  for (const item of items) ul.appendChild(item instanceof Node ? item : element('li', item));
  return ul;
}

function headerRow(section, titles) {
  const tr = section.insertRow();
  for (const title of titles) tr.appendChild(element('th', title)).scope = 'col';
}

// A table row headed by `title`, one cell per treatment; `fill(estimate, td)` fills a cell.
function treatmentRow(body, title, estimates, className, fill) {
  const tr = body.insertRow();
  tr.appendChild(element('th', title)).scope = 'row';
  for (const estimate of estimates) {
    const td = tr.insertCell();
    td.className = className;
    td.dataset.treatment = estimate.treatment;
    fill(estimate, td);
  }
  return tr;
}

// Moves focus to a result that just appeared, so keyboard and screen-reader users land on it.
function reveal(sectionId) {
  const section = document.getElementById(sectionId);
  section.hidden = false;
  section.querySelector('h2').focus();
}

// ---- signing in ---------------------------------------------------------------------------------

async function signIn() {
  const input = document.getElementById('token');
  state.token = input.value.trim();
  input.value = '';  // the secret stays in `state` only, not in the page
  const status = document.getElementById('sign-in-state');
  status.textContent = 'Signing in...';
  document.getElementById('workspace').hidden = true;
  let answer;
  try {
    answer = await call('EstimatorService', 'ListPayers', {});
  } catch (e) {
    status.textContent = 'Not signed in.';
    throw e;
  }
  fillClinics(answer.clinics ?? []);
  fillPlans(answer.plans ?? []);
  document.getElementById('workspace').hidden = false;
  status.textContent = state.token ? 'Signed in. Clinics and plans are loaded.'
    : 'Connected without a token. Clinics and plans are loaded.';
}

function fillClinics(clinics) {
  state.clinics = clinics;
  document.getElementById('clinic').replaceChildren(...clinics.map((c) => {
    const option = element('option', c.name);
    option.value = c.clinicId;
    return option;
  }));
  fillGfeTreatments();
}

// One option per plan, grouped by payer. ListPayers lists each version of a plan file (oldest
// first); the estimator picks the version in effect on the first session, so one option is enough
// and it shows the newest version's name.
function fillPlans(plans) {
  const groups = new Map();
  const options = new Map();
  for (const plan of plans) {
    if (!groups.has(plan.payerId)) {
      groups.set(plan.payerId, element('optgroup'));
      groups.get(plan.payerId).label = plan.payerName;
    }
    const value = `${plan.payerId}/${plan.planId}`;
    if (!options.has(value)) {
      options.set(value, element('option'));
      options.get(value).value = value;
      groups.get(plan.payerId).appendChild(options.get(value));
    }
    options.get(value).textContent = plan.planName;
  }
  document.getElementById('plan').replaceChildren(...groups.values());
}

// The Good Faith Estimate is for one treatment the chosen clinic offers.
function fillGfeTreatments() {
  const clinic = state.clinics.find((c) => c.clinicId === fieldValue('clinic'));
  document.getElementById('gfe-treatment').replaceChildren(...(clinic?.offeredTreatments ?? []).map((t) => {
    const option = element('option', words(t));
    option.value = t;
    return option;
  }));
}

// ---- the comparison -------------------------------------------------------------------------------

async function compare() {
  // Whatever is shown below is the answer to the form as it was; hide it until the new answer.
  for (const id of ['comparison', 'sessions']) document.getElementById(id).hidden = true;
  document.getElementById('save-result').textContent = '';
  const request = await comparisonRequest();
  const answer = await call('EstimatorService', 'CompareTreatments', request);
  state.lastComparison = request;
  renderComparison(request, answer);
  reveal('comparison');
}

// What the comparison is for, e.g. "Riverbend Behavioral Health; Aetna: Aetna Open Access PPO (...), in
// network; first session asked for 2026-12-14." (The clinic moves a closed day to its next open one.)
function comparisonSubject(request, estimates) {
  const first = estimates[0] ?? {};
  const network = request.coverage.insurance?.network === 'NETWORK_OUT_OF_NETWORK' ? 'out of network' : 'in network';
  const paying = request.coverage.selfPay ? 'self-pay'
    : `${first.coverage?.payerName}: ${first.coverage?.planName}, ${network}`;
  return `${first.clinicName ?? request.clinicId}; ${paying}; first session asked for ${request.courseStartDate}.`;
}

function renderComparison(request, answer) {
  const estimates = answer.estimates ?? [];
  document.getElementById('comparison-for').textContent = comparisonSubject(request, estimates);
  document.getElementById('comparison-summary').textContent = answer.summary ?? '';
  const table = document.getElementById('comparison-table');
  table.replaceChildren(element('caption', 'What the patient and the plan would pay, by treatment'));
  const head = table.createTHead();
  headerRow(head, ['Treatment', ...estimates.map((e) => words(e.treatment))]);
  const body = table.createTBody();
  treatmentRow(body, 'Coverage', estimates, 'coverage', (e, td) => {
    td.append(element('strong', words(e.coverage?.status)), element('p', e.coverage?.explanation, 'note'));
  });
  treatmentRow(body, 'Sessions', estimates, 'sessions', (e, td) => {
    td.textContent = `${e.totals?.sessionsScheduled ?? 0} scheduled, ${e.totals?.sessionsCovered ?? 0} covered by the plan`;
  });
  treatmentRow(body, 'Patient pays', estimates, 'money patient-total', (e, td) => {
    td.textContent = dollars(e.totals?.patientCents);
  });
  treatmentRow(body, 'Plan pays', estimates, 'money plan-total', (e, td) => {
    td.textContent = dollars(e.totals?.payerCents);
  });
  if (estimates.some((e) => e.ifApproved)) {
    treatmentRow(body, 'If the plan approves', estimates, 'if-approved', (e, td) => {
      if (e.ifApproved) {
        td.textContent = `Patient ${dollars(e.ifApproved.patientCents)}, plan ${dollars(e.ifApproved.payerCents)}`;
      }
    });
  }
  treatmentRow(body, 'Patient could pay', estimates, 'range', renderRange);
  treatmentRow(body, 'Warnings', estimates, 'warnings', (e, td) => {
    td.appendChild(list(noticesOf(e, (kind) => kind !== 'NOTICE_KIND_ASSUMPTION')));
  });
  treatmentRow(body, 'Assumptions made', estimates, 'assumptions', (e, td) => {
    td.appendChild(list(noticesOf(e, (kind) => kind === 'NOTICE_KIND_ASSUMPTION')));
  });
  treatmentRow(body, 'In plain words', estimates, 'plain', (e, td) => { td.textContent = e.plainSummary ?? ''; });
  treatmentRow(body, 'Sessions in detail', estimates, 'buttons', (e, td) => {
    const button = element('button', `Show ${words(e.treatment)} sessions`, 'secondary');
    button.type = 'button';
    button.addEventListener('click', () => act('sessions', button, () => showSessions(e)));
    td.appendChild(button);
  }).classList.add('no-print');
}

function noticesOf(estimate, kindWanted) {
  const messages = (estimate.notices ?? []).filter((n) => kindWanted(n.kind)).map((n) => n.message);
  return messages.length ? messages : ['None.'];
}

// The lowest and highest the patient could owe, and what each end assumes (the API's words).
function renderRange(estimate, td) {
  const range = estimate.patientRange;
  if (!range) return;
  const low = dollars(range.lowCents);
  const high = dollars(range.highCents);
  td.appendChild(element('span', low === high ? low : `${low} to ${high}`, 'money'));
  if (range.lowAssumptions?.length) td.appendChild(element('p', `Lowest if ${range.lowAssumptions.join('; ')}.`, 'note'));
  if (range.highAssumptions?.length) td.appendChild(element('p', `Highest if ${range.highAssumptions.join('; ')}.`, 'note'));
}

// ---- one treatment's sessions ------------------------------------------------------------------

async function showSessions(estimate) {
  // The same patient as the comparison shown, one course, every line.
  const { clinicId, coverage: paying, courseStartDate, documentation: doc } = state.lastComparison;
  const request = {
    clinicId, coverage: paying, courseStartDate,
    course: { treatment: estimate.treatment, protocolId: estimate.protocolId },
    view: 'ESTIMATE_VIEW_FULL',
  };
  if (doc) request.documentation = doc;
  const answer = await call('EstimatorService', 'EstimateCourse', request);
  renderSessions(answer.estimate ?? {});
  reveal('sessions');
}

// "90868" or, for a clinic's self-pay item without a code, its description; "x2" for 2 units.
function billedCodes(line, items) {
  return (line.codes ?? []).map((c) => {
    const name = c.code || items[c.item ?? 0]?.description || '';
    return (c.units ?? 0) > 1 ? `${name} x${c.units}` : name;
  }).join(', ');
}

function renderSessions(estimate) {
  const items = estimate.billedItems ?? [];
  document.getElementById('sessions-title').textContent = `Sessions: ${words(estimate.treatment)}`;
  const table = document.getElementById('sessions-table');
  table.replaceChildren(element('caption', estimate.protocolName));
  headerRow(table.createTHead(),
    ['Session', 'Date', 'Phase', 'Billed items', 'Billed to', 'Paid by the plan?', 'Billed', 'Patient pays', 'Plan pays']);
  const body = table.createTBody();
  for (const line of estimate.lines ?? []) {
    const tr = body.insertRow();
    const cells = [String(line.sessionNumber ?? ''), line.date, words(line.phase), billedCodes(line, items),
      words(line.benefit, 'BENEFIT_UNSPECIFIED'), line.covered ? 'Yes' : `No. ${line.notCoveredExplanation ?? ''}`.trim(),
      dollars(line.billedCents), dollars(line.patientCents), dollars(line.payerCents)];
    cells.forEach((text, i) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (i >= 6) td.className = 'money';
    });
  }
  const totals = estimate.totals ?? {};
  const foot = table.createTFoot().insertRow();
  const th = foot.appendChild(element('th', `Total: ${sessionCount(totals.sessionsScheduled)}`));
  th.scope = 'row';
  th.colSpan = 6;
  for (const cents of [totals.billedCents, totals.patientCents, totals.payerCents]) {
    const td = foot.insertCell();
    td.textContent = dollars(cents);
    td.className = 'money';
  }
  document.getElementById('sessions-items').replaceChildren(...items.map((item) =>
    element('li', item.code ? `${item.code}: ${item.description}` : item.description)));
}

// ---- prior authorization readiness -------------------------------------------------------------

async function checkReadiness() {
  document.getElementById('readiness').hidden = true;
  if (isSelfPay()) {
    throw new FieldError('pay-insurance', "Readiness is checked against the patient's plan: choose With insurance and the plan.");
  }
  const request = { ...chosenPlan(), network: fieldValue('network'), treatment: fieldValue('readiness-treatment') };
  if (fieldValue('start')) request.plannedStartDate = fieldValue('start');
  const doc = await documentation();
  if (doc) request.documentation = doc;
  const answer = await call('EstimatorService', 'CheckPriorAuthReadiness', request);
  renderReadiness(answer.assessment ?? {});
  reveal('readiness');
}

// One criterion and those inside it. The alternatives of an any_of that is met no longer matter:
// they show "Not needed" rather than a status that would read as something to obtain.
function criterionItem(result, alternativeMet = false) {
  const li = element('li');
  const notNeeded = alternativeMet && result.status !== 'CRITERION_STATUS_MET';
  li.append(element('span', notNeeded ? 'Not needed:' : `${words(result.status)}:`,
    `status ${notNeeded ? 'not-needed' : result.status ?? ''}`), ' ',
    ...(result.children?.length && result.name ? [element('strong', result.name), ' '] : []),
    element('span', result.explanation, 'explanation'));
  if (result.evidence?.length) li.appendChild(element('p', `Documented: ${result.evidence.join('; ')}.`, 'note'));
  const metAnyOf = result.kind === 'any_of' && result.status === 'CRITERION_STATUS_MET';
  if (result.children?.length) {
    li.appendChild(list(result.children.map((child) => criterionItem(child, notNeeded || metAnyOf))));
  }
  return li;
}

function checklistItem(item) {
  const li = element('li');
  li.append(element('span', item.item, 'item'),
    element('span', ` (${words(item.kind)}${item.oneOfAlternatives ? `; any one of: ${item.alternativesName ?? 'these alternatives'}` : ''})`, 'note'));
  return li;
}

function renderReadiness(assessment) {
  document.getElementById('readiness-title').textContent =
    `Readiness: ${words(assessment.treatment)}, ${assessment.payerName}: ${assessment.planName}`;
  document.getElementById('readiness-verdict').textContent = words(assessment.priorAuth);
  document.getElementById('readiness-summary').textContent = assessment.summary ?? '';
  const facts = element('dl', null, 'facts');
  for (const [term, text] of [['Coverage', words(assessment.coverage)],
    ['Documentation still needed', words(assessment.documentationNeeded)],
    ['Policy', assessment.policySection], ['Checked as of', assessment.asOfDate]]) {
    if (text) facts.append(element('dt', term), element('dd', text));
  }
  const notices = (assessment.notices ?? []).map((n) => n.message);
  document.getElementById('readiness-notices').replaceChildren(facts, ...(notices.length ? [list(notices, 'notices')] : []));
  document.getElementById('readiness-criteria').replaceChildren(...(assessment.criteria ?? []).map((c) => criterionItem(c)));
  const checklist = assessment.checklist ?? [];
  document.getElementById('readiness-checklist').replaceChildren(...(checklist.length
    ? checklist.map(checklistItem) : [element('li', 'Nothing to obtain.')]));
}

// ---- quotes and Good Faith Estimates -----------------------------------------------------------

async function saveQuote() {
  const request = { comparison: state.lastComparison, channel: 'QUOTE_CHANNEL_FRONT_DESK' };
  if (fieldValue('save-ref')) request.patientReference = fieldValue('save-ref');
  const { quote } = await call('QuoteService', 'SaveQuote', request);
  document.getElementById('save-result').textContent =
    `Saved as quote ${quote.quoteId}, valid until ${instant(quote.expiresAt)}.`;
}

async function issueGfe() {
  const result = document.getElementById('gfe-result');
  result.replaceChildren();
  if (state.gfeUrl) URL.revokeObjectURL(state.gfeUrl);
  state.gfeUrl = null;
  const request = {
    estimate: {
      clinicId: fieldValue('clinic'),
      coverage: coverage(),
      courseStartDate: fieldValue('start'),
      course: { treatment: fieldValue('gfe-treatment') },
    },
    patient: { name: fieldValue('gfe-name'), dateOfBirth: fieldValue('gfe-birth') },
    diagnosisCodes: fieldValue('gfe-diagnoses').split(',').map((c) => c.trim()).filter((c) => c),
    channel: 'QUOTE_CHANNEL_FRONT_DESK',
  };
  if (fieldValue('gfe-scheduled')) request.scheduledOn = fieldValue('gfe-scheduled');
  if (fieldValue('gfe-ref')) request.patientReference = fieldValue('gfe-ref');
  const { quote } = await call('QuoteService', 'IssueGoodFaithEstimate', request);
  renderGfe(quote);
}

function renderGfe(quote) {
  const gfe = quote.goodFaithEstimate;
  const lines = [
    `Issued as quote ${quote.quoteId} on ${gfe.issuedOn}: ${sessionCount(gfe.sessionsIncluded)} in the 12 months it covers `
      + `(${gfe.periodStart} to ${gfe.periodEnd}), total expected charges ${dollars(gfe.totalExpectedChargesCents)}.`,
  ];
  if (gfe.sessionsLeftOut) {
    lines.push(`Not included: ${sessionCount(gfe.sessionsLeftOut)} of the course after ${gfe.periodEnd}.`);
  }
  if (gfe.deadline?.explanation) lines.push(gfe.deadline.explanation);
  state.gfeUrl = URL.createObjectURL(new Blob([gfe.documentHtml], { type: 'text/html;charset=utf-8' }));
  const link = element('a', 'Download the Good Faith Estimate to print it (HTML page)');
  link.href = state.gfeUrl;
  link.download = 'good-faith-estimate.html';
  link.id = 'gfe-download';
  document.getElementById('gfe-result').replaceChildren(...lines.map((l) => element('p', l)), link);
}

async function findQuotes() {
  const request = { clinicId: fieldValue('clinic') };
  if (fieldValue('find-ref')) request.patientReference = fieldValue('find-ref');
  const answer = await call('QuoteService', 'ListQuotes', request);
  state.quotesRequest = request;
  const table = document.getElementById('quotes-table');
  const clinic = state.clinics.find((c) => c.clinicId === request.clinicId)?.name ?? request.clinicId;
  const who = request.patientReference ? `, patient reference ${request.patientReference}` : '';
  table.replaceChildren(element('caption', `Quotes of ${clinic}${who}, newest first`));
  headerRow(table.createTHead(), ['Quote', 'Kind', 'Status', 'Saved', 'Valid until', 'Patient reference', 'Saved by']);
  table.createTBody();
  addQuoteRows(answer);
  reveal('quotes');
}

// ListQuotes pages: the next page is the same request with the previous answer's token.
async function moreQuotes() {
  const answer = await call('QuoteService', 'ListQuotes', state.quotesRequest);
  addQuoteRows(answer);
}

function addQuoteRows(answer) {
  const body = document.getElementById('quotes-table').tBodies[0];
  for (const q of answer.quotes ?? []) {
    const tr = body.insertRow();
    for (const text of [q.quoteId, words(q.kind), words(q.status), instant(q.createdAt), instant(q.expiresAt),
      q.patientReference ?? '', q.savedBy ?? '']) {
      tr.insertCell().textContent = text;
    }
  }
  if (body.rows.length === 0) {
    const td = body.insertRow().insertCell();
    td.colSpan = 7;
    td.textContent = 'No saved quotes.';
  }
  state.quotesRequest.pageToken = answer.nextPageToken ?? '';
  document.getElementById('more-quotes').hidden = !answer.nextPageToken;
}

// ---- wiring -------------------------------------------------------------------------------------

function onSubmit(formId, action, work) {
  const form = document.getElementById(formId);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(action, form, work);
  });
}

function onClick(buttonId, action, work) {
  const button = document.getElementById(buttonId);
  button.addEventListener('click', () => act(action, button, work));
}

// Self-pay needs no plan: the insurance questions are switched off (and skipped by Tab).
function showPayment() {
  document.getElementById('insurance-fields').disabled = isSelfPay();
}

document.addEventListener('DOMContentLoaded', () => {
  onSubmit('sign-in', 'sign-in', signIn);
  onSubmit('patient', 'compare', compare);
  onSubmit('save-form', 'save', saveQuote);
  onSubmit('readiness-form', 'readiness', checkReadiness);
  onSubmit('gfe-form', 'gfe', issueGfe);
  onSubmit('quotes-form', 'find', findQuotes);
  onClick('more-quotes', 'find', moreQuotes);
  for (const id of ['pay-insurance', 'pay-self']) document.getElementById(id).addEventListener('change', showPayment);
  document.getElementById('clinic').addEventListener('change', fillGfeTreatments);
  showPayment();
});
