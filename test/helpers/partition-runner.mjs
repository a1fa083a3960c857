// Runs inside a private network namespace (`unshare -rn node partition-runner.mjs <json options>`):
// starts real daemons on distinct loopback addresses (127.0.0.2, 127.0.0.3, ... all on one port, as
// separate hosts would be), splits them in two with nftables for a while as messages are submitted on
// both sides, heals the split, and prints one JSON line with what it measured. It stops every daemon it
// started, and the namespace disappears with it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { fetchHealth, fetchStats, submitMessage } from '../../dist/client/node-client.js';
import { generateTopology } from '../../dist/topology/generators.js';
import { adjacency } from '../../dist/topology/graph.js';

const options = {
  n: 16,
  port: 9000,
  seed: 5,
  cutMs: 5_000,
  perSide: 10,
  // Generous bounds, for a loaded machine: they say when to give up, not how fast it must be.
  readyTimeoutMs: 60_000,
  detectTimeoutMs: 30_000,
  convergeTimeoutMs: 60_000,
  ...JSON.parse(process.argv[2] ?? '{}'),
};
const bin = fileURLToPath(new URL('../../bin/gossip.js', import.meta.url));
const hostOf = (id) => `127.0.0.${id + 1}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'gossip-partition-'));
const children = [];

function nft(script) {
  execFileSync('nft', ['-f', '-'], { input: script });
}

async function waitUntil(probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await sleep(50);
  }
  return false;
}

async function main() {
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  const graph = generateTopology(
    { kind: 'random', degree: 3 },
    { n: options.n, seed: options.seed, maxPeers: 3 },
  );
  const neighbours = adjacency(graph);
  const nodes = Array.from({ length: options.n }, (_, index) => ({
    id: index + 1,
    host: hostOf(index + 1),
    port: options.port,
  }));
  for (const node of nodes) {
    const peers = (neighbours.get(node.id) ?? [])
      .map((peer) => `${peer}@${hostOf(peer)}:${options.port}`)
      .join(',');
    const child = execa(
      process.execPath,
      [
        bin,
        'node',
        '--id',
        String(node.id),
        '--host',
        node.host,
        '--port',
        String(options.port),
        '--peers',
        peers,
        '--data-dir',
        path.join(dir, `node-${node.id}`),
        '--log-file',
        path.join(dir, `node-${node.id}.log`),
      ],
      { reject: false, stdio: 'ignore' },
    );
    children.push(child);
  }
  const ready = await waitUntil(
    async () =>
      (await Promise.all(nodes.map((node) => fetchHealth(node, 500)))).every(
        (h) => h.links.up === h.links.total,
      ),
    options.readyTimeoutMs,
  );
  if (!ready) throw new Error('the nodes did not come up');

  const half = options.n / 2;
  const sideA = `${hostOf(1)}-${hostOf(half)}`;
  const sideB = `${hostOf(half + 1)}-${hostOf(options.n)}`;
  nft(`table inet cut {
    chain input { type filter hook input priority 0; policy accept;
      ip saddr ${sideA} ip daddr ${sideB} drop
      ip saddr ${sideB} ip daddr ${sideA} drop
    }
  }`);
  const cutAt = Date.now();
  const accepted = [];
  for (let index = 0; index < options.perSide; index += 1) {
    for (const node of [nodes[index % half], nodes[half + (index % half)]]) {
      accepted.push((await submitMessage(node, `during the split ${index} from ${node.id}`, 1)).id);
    }
    await sleep(options.cutMs / options.perSide);
  }
  // Each side drops its links across the cut once their peers fall silent (failure detection): wait for it.
  let crossLinksDuringCut = -1;
  await waitUntil(async () => {
    const whileCut = await Promise.all(nodes.map((node) => fetchStats(node, 2_000)));
    crossLinksDuringCut = whileCut.reduce(
      (count, node) => count + node.peers.filter((peer) => peer.id <= half !== node.node <= half).length,
      0,
    );
    return crossLinksDuringCut === 0;
  }, options.detectTimeoutMs);
  await sleep(Math.max(0, options.cutMs - (Date.now() - cutAt)));
  nft('delete table inet cut');
  const healedAt = Date.now();
  const converged = await waitUntil(
    async () =>
      (await Promise.all(nodes.map((node) => fetchStats(node, 1_000)))).every(
        (s) => s.messages === accepted.length,
      ),
    options.convergeTimeoutMs,
  );
  const convergeMs = Date.now() - healedAt;
  const final = await Promise.all(nodes.map((node) => fetchStats(node, 2_000)));
  const held = Object.fromEntries(final.map((s) => [s.node, s.messages]));
  const degrees = final.map((s) => s.peers.length);
  const crossLinksAfter = final.reduce(
    (count, node) => count + node.peers.filter((peer) => peer.id <= half !== node.node <= half).length,
    0,
  );
  return {
    accepted: accepted.length,
    converged,
    convergeMs,
    held,
    maxDegree: Math.max(...degrees),
    crossLinksDuringCut,
    crossLinksAfter,
  };
}

try {
  const result = await main();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: String(error?.stack ?? error) })}\n`);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children);
  rmSync(dir, { recursive: true, force: true });
}
