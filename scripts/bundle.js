#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js) into dist/bundle: one file per lazily imported command, so
// `gossip node` loads a single small file instead of a tree of modules. Measured on a 16-node network: a node
// starts faster and holds several MiB less resident memory (docs/BENCHMARKS.md). bin/gossip.js runs the bundle.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their content: start empty, or old chunks pile up.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: ['dist/cli/main.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: process.env.BUNDLE_MINIFY !== '0',
  keepNames: true,
  sourcemap: true,
  logLevel: 'warning',
  // CommonJS dependencies (pino, commander) call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
