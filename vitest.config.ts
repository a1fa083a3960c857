import { defineConfig } from 'vitest/config';

// Integration tests start real daemons; give them time on a shared 2-core machine. The JSON report
// feeds the `tests: N passed, N failed` line that .ci/run prints.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
