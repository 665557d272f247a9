// Prints a local HTML page to PDF (and optionally a PNG) in headless Chromium, the way a front desk
// prints a Good Faith Estimate. Fails if the page asks for anything besides itself (it must be
// self-contained) or logs an error.
//
//   node print_to_pdf.mjs IN.html OUT.pdf [OUT.png]
//
// playwright-core is found in build/tools/node_modules (deploy/install-deps.sh puts it there);
// the browser is Debian's /usr/bin/chromium.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const [input, pdf, png] = process.argv.slice(2);
if (!input || !pdf) {
  console.error('usage: node print_to_pdf.mjs IN.html OUT.pdf [OUT.png]');
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tools = process.env.ESTIMATOR_TOOLS_DIR || path.join(root, 'build', 'tools');
const require = createRequire(path.join(tools, 'package.json'));
const { chromium } = require('playwright-core');

const pageUrl = pathToFileURL(path.resolve(input)).href;
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],  // CI runs as root, where Chromium's sandbox cannot start
});
try {
  const page = await browser.newPage();
  page.on('request', (r) => { if (r.url() !== pageUrl) problems.push(`request for ${r.url()}`); });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(pageUrl, { waitUntil: 'load' });
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: pdf, format: 'Letter', printBackground: false });
  if (png) await page.screenshot({ path: png, fullPage: true });
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(`print_to_pdf: the page is not self-contained:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`print_to_pdf: ${pdf}${png ? ` and ${png}` : ''}`);
