#!/usr/bin/env node
// CI's verdict on a vitest JSON report. The closing line is always exactly `tests: N passed, N failed`
// (CI reads it); what went wrong is said on the lines before it. A run is red (exit 1) when a test failed,
// a test file failed to load or run, a test was skipped (or left todo) without an entry in ALLOWED_SKIPS,
// no test passed, or vitest itself exited non-zero for a reason the report does not hold (an unhandled
// error). Each of those counts as one failed test, so the closing line never says 0 failed for a red run.
//
// usage: node scripts/test-summary.js [report.json] [--vitest-exit <code>]
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Skips CI accepts, each with its reason: `{ file: 'test/...', test: '<describe> > <test title>', reason }`.
 * Keep it empty: a skipped test is a claim nobody checks. Add an entry only with a reason a reviewer accepts.
 */
const ALLOWED_SKIPS = [];

const args = process.argv.slice(2);
const exitFlag = args.indexOf('--vitest-exit');
const vitestExit = exitFlag === -1 ? undefined : Number(args.splice(exitFlag, 2)[1]);
const file = args[0] ?? 'test-results/vitest.json';

let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log(`no readable vitest report at ${file}: ${error.message}`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

const relative = (name) => path.relative(process.cwd(), name);
const problems = [];
let passed = 0;
let failed = 0;
let allowedSkips = 0;
for (const suite of report.testResults ?? []) {
  const tests = suite.assertionResults ?? [];
  // vitest 4 reports a file that threw at import (or in a hook) as a failed file with no failed test in it.
  if (suite.status === 'failed' && tests.every((test) => test.status !== 'failed')) {
    failed += 1;
    problems.push(
      `test file failed to run: ${relative(suite.name)}: ${(suite.message ?? '').split('\n')[0]}`,
    );
  }
  for (const test of tests) {
    const name = [...(test.ancestorTitles ?? []), test.title].join(' > ');
    if (test.status === 'passed') passed += 1;
    else if (test.status === 'failed') failed += 1;
    else {
      // 'skipped', 'pending' or 'todo': the run did not check it.
      const allowed = ALLOWED_SKIPS.some((skip) => skip.file === relative(suite.name) && skip.test === name);
      if (allowed) allowedSkips += 1;
      else {
        failed += 1;
        problems.push(`unexpected ${test.status} test: ${relative(suite.name)} > ${name}`);
      }
    }
  }
}
if (passed === 0 && failed === 0) {
  failed = 1;
  problems.push('no test ran');
}
if (vitestExit !== undefined && vitestExit !== 0 && failed === 0) {
  failed = 1;
  problems.push(`vitest exited ${vitestExit} though every test passed: see "Unhandled Errors" in its output`);
}
for (const problem of problems) console.log(problem);
if (allowedSkips > 0) console.log(`skipped as allowed in scripts/test-summary.js: ${allowedSkips}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
