#!/usr/bin/env node
// Thin shim: runs the compiled CLI, or explains how to build it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'error: gossip is not built yet; run `npm install` (or `npm run build`) in the project first\n',
  );
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
