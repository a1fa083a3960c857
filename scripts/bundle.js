#!/usr/bin/env node
// Bundles the compiled CLI twice:
// - dist/bundle/main.js, every command (ES modules): one file per lazily imported command, so that a command
//   loads only its own.
// - dist/bundle-node/node-main.cjs, `gossip node` alone (CommonJS, one file): the process the launcher starts
//   once per node loads one file, not the CLI's twenty, and not the ES module loader. Measured on a 16-node
//   network: each idle node holds ~5.5 MiB less resident memory (docs/BENCHMARKS.md). bin/gossip.js picks one.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their content: start empty, or old chunks pile up.
for (const dir of ['dist/bundle', 'dist/bundle-node']) rmSync(dir, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: process.env.BUNDLE_MINIFY !== '0',
  keepNames: true,
  sourcemap: true,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['dist/cli/main.js'],
  outdir: 'dist/bundle',
  format: 'esm',
  splitting: true,
  // CommonJS dependencies (pino, commander) call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

await build({
  ...common,
  entryPoints: ['dist/cli/node-main.js'],
  outfile: 'dist/bundle-node/node-main.cjs',
  format: 'cjs',
  // The modules find files next to them (package.json) through import.meta.url; CommonJS has __filename.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
