import { defineConfig } from 'vitest/config';

// Integration tests start real daemons; give them time on a shared 2-core machine. The JSON report
// feeds the `tests: N passed, N failed` line that .ci/run prints (scripts/test-summary.js).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A committed `.only` would narrow the run and still look green: refuse it everywhere, not only where
    // CI is set (vitest's default). `npx vitest run --allowOnly <file>` while working on one test.
    allowOnly: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
