#!/usr/bin/env node
// `npm run demo`: the reference session on the default 16-node network, through the real CLI:
// start-network, send-message 1 "Hello World", then get-messages 10 once every path has arrived.
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { fetchStats } from '../dist/client/node-client.js';

const bin = fileURLToPath(new URL('../bin/gossip.js', import.meta.url));
const gossip = (args, options = {}) => execa(process.execPath, [bin, ...args], { reject: false, ...options });
const show = async (args) => {
  process.stdout.write(`\n$ gossip ${args.map((arg) => (arg.includes(' ') ? `"${arg}"` : arg)).join(' ')}\n`);
  const result = await gossip(args, { stdio: 'inherit' });
  if (result.exitCode !== 0) process.exit(result.exitCode ?? 1);
};

const status = await gossip(['status', '--json']);
if (status.exitCode === 0) {
  process.stdout.write('A network is already running; using it (stop it with: npx gossip stop-network).\n');
} else {
  await show(['start-network']);
}
await show(['send-message', '1', 'Hello World']);

// Node 10 records one path per neighbour; wait (bounded) until all of them have arrived.
const state = JSON.parse((await gossip(['status', '--json'])).stdout);
const node10 = state.nodes.find((node) => node.id === 10);
const deadline = Date.now() + 5_000;
while (node10 !== undefined && Date.now() < deadline) {
  const [host, port] = node10.address.split(':');
  const stats = await fetchStats({ host, port: Number(port) }).catch(() => undefined);
  if (stats !== undefined && stats.counters.relaysAccepted >= stats.peers.length) break;
  await sleep(20);
}
await show(['get-messages', '10']);
process.stdout.write(
  '\nThe network keeps running. Try: npx gossip get-messages 10 -pp, npx gossip list-peers 4,\n' +
    'npx gossip remove-node 12, npx gossip status, npx gossip logs 3; stop it with: npx gossip stop-network\n',
);
