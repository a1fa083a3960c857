#!/usr/bin/env node
// Thin shim: runs the compiled CLI, or explains how to build it. CommonJS (bin/package.json), so that
// `gossip node`, started once per node, runs its own CommonJS bundle without loading the ES module loader;
// every other command imports the CLI's ES module bundle.
const { existsSync } = require('node:fs');
const path = require('node:path');

const isNode = process.argv[2] === 'node';
const entry = path.join(__dirname, '..', 'dist', isNode ? 'bundle-node/node-main.cjs' : 'bundle/main.js');
if (!existsSync(entry)) {
  process.stderr.write(
    'error: gossip is not built yet; run `npm install` (or `npm run build`) in the project first\n',
  );
  process.exit(1);
}
const run = isNode ? Promise.resolve(require(entry)) : import(require('node:url').pathToFileURL(entry).href);
run.then(({ main }) => main(process.argv));
