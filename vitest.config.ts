import { defineConfig } from 'vitest/config';

// Integration tests start real daemons and wait for conditions with deadlines; the timeouts are generous
// because a shared 2-core machine can be several times slower than an idle one (they catch hangs, not
// slowness). The JSON report feeds the `tests: N passed, N failed` line that .ci/run prints.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A committed `.only` would narrow the run and still look green: refuse it everywhere, not only where
    // CI is set (vitest's default). `npx vitest run --allowOnly <file>` while working on one test.
    allowOnly: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
