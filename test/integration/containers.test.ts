// The image and the committed docker-compose.yml, run for real with podman and podman-compose: the image is
// built on a local base image made from Debian packages (scripts/base-image.sh, cached between runs), the
// compose file starts 16 containers that must turn healthy, a message sent in one reaches all 16 along the
// compose topology, a stopped container catches up, a killed one is repaired around, and `down -v` leaves
// nothing behind. Nothing is published on the host; the test reaches the containers on the project's own
// network. It needs root, podman, podman-compose and mmdebstrap (.ci/run installs them); without them it fails
// and says what to install: a run that leaves it out is not a green run.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { peekMessages } from '../../src/client/node-client.js';
import { type LiveNode, overlayOf, statsOf } from '../helpers/cluster.js';
import { ComposeProject, imageId, missingCommands, run } from '../helpers/podman.js';
import { waitFor } from '../helpers/wait-for.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOOLS = ['podman', 'podman-compose', 'mmdebstrap'];
/** What docker-compose.yml runs; the build is also tagged CACHE_TAG, so its layers outlive the test. */
const IMAGE = 'localhost/gossip:latest';
const CACHE_TAG = 'localhost/gossip-test:latest';
const PORT = 7000;
const METRICS_PORT = 9464;
// Deadlines are for a loaded machine: on two cores at load 20, podman-compose took 20-60 s per container.

/** node id -> its peers, as the compose file wires them (GOSSIP_PEERS). */
function composeTopology(text: string): Map<number, number[]> {
  const services = (parse(text) as { services: Record<string, { environment?: Record<string, string> }> })
    .services;
  const topology = new Map<number, number[]>();
  for (const service of Object.values(services)) {
    const env = service.environment ?? {};
    if (env.GOSSIP_ID === undefined) continue;
    const peers = (env.GOSSIP_PEERS ?? '').split(',').map((entry) => Number(entry.split('@')[0]));
    topology.set(Number(env.GOSSIP_ID), peers);
  }
  return topology;
}

describe('the image and docker-compose.yml, run with podman', () => {
  // A name of its own: a user's compose projects (and their containers, volumes, networks) are never touched.
  const name = `gossip-test-${randomBytes(4).toString('hex')}`;
  const dir = path.join(os.tmpdir(), name);
  const compose = new ComposeProject(name, path.join(dir, 'docker-compose.yml'));
  let started = false;
  let previousImage: string | undefined;
  let builtImage: string | undefined;
  let topology = new Map<number, number[]>();
  const addresses = new Map<number, string>();
  const live = (ids: Iterable<number>): LiveNode[] =>
    [...ids].map((id) => ({ id, host: addresses.get(id) ?? '', port: PORT }));
  const ids = (): number[] => [...topology.keys()];

  beforeAll(async () => {
    const missing = await missingCommands(TOOLS);
    if (missing.length > 0) {
      throw new Error(
        `the container test needs ${missing.join(', ')}: apt-get install ${missing.join(' ')} (.ci/run installs them)`,
      );
    }
    await run('bash', [path.join(ROOT, 'scripts/podman-setup.sh')]);
    // Built once per machine (a few minutes), then kept by podman.
    const base = (
      await run('bash', [path.join(ROOT, 'scripts/base-image.sh')], { timeoutMs: 420_000 })
    ).stdout
      .trim()
      .split('\n')
      .pop();
    previousImage = await imageId(IMAGE);
    await run(
      'podman',
      ['build', '--format', 'docker', '--build-arg', `NODE_IMAGE=${base}`, '-t', CACHE_TAG, '-t', IMAGE, '.'],
      { cwd: ROOT, timeoutMs: 300_000 },
    );
    builtImage = await imageId(IMAGE);
    // The committed file, byte for byte, next to a fresh cluster key (its secret is ./cluster.key).
    await mkdir(dir);
    const text = await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    await writeFile(path.join(dir, 'docker-compose.yml'), text);
    await writeFile(path.join(dir, 'cluster.key'), `${randomBytes(32).toString('hex')}\n`, { mode: 0o644 });
    topology = composeTopology(text);
    started = true;
    // The nodes by name: podman-compose 1.0.3 knows no profiles, and would also start (and pull) Prometheus.
    await compose.compose(['up', '-d', '--no-build', ...ids().map((id) => `node${id}`)]);
  }, 1_200_000);

  afterAll(async () => {
    if (started) await compose.remove();
    // Give a user's own gossip:latest its name back; ours stays as CACHE_TAG.
    if (builtImage !== undefined && previousImage !== builtImage) {
      if (previousImage === undefined) await run('podman', ['untag', builtImage, IMAGE]);
      else await run('podman', ['tag', previousImage, IMAGE]);
    }
    await rm(dir, { recursive: true, force: true });
  }, 300_000);

  it('starts 16 containers that turn healthy', async () => {
    expect(topology.size).toBe(16);
    // One check at a time, each container until it passes once: 16 health checks at once (each a Node.js
    // process) would starve two cores, and the image gives a check 5 s.
    const healthy = new Set<number>();
    await waitFor(
      async () => {
        for (const id of ids()) if (!healthy.has(id) && (await compose.healthy(`node${id}`))) healthy.add(id);
        return healthy.size === topology.size;
      },
      { timeoutMs: 300_000, intervalMs: 1_000, what: 'every container to pass its health check' },
    );
    for (const id of ids()) addresses.set(id, await compose.address(`node${id}`));
  }, 360_000);

  it('delivers a message sent in node1 to all 16, every path a walk in the compose topology', async () => {
    const sent = await compose.gossip('node1', [
      'send-message',
      `node1:${PORT}`,
      'hello containers',
      '--json',
    ]);
    const { id } = JSON.parse(sent.stdout) as { id: string };
    const arrivals = await waitFor(
      async () => {
        const listings = await Promise.all(live(ids()).map((node) => peekMessages(node, 5_000)));
        const found = listings.map((listing) => listing.messages.find((message) => message.id === id));
        return found.every((message) => message !== undefined) ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the message on all 16 containers' },
    );
    for (const [index, message] of arrivals.entries()) {
      const node = ids()[index];
      for (const { path: walk } of message?.paths ?? []) {
        expect(walk[0]).toBe(1);
        expect(walk[walk.length - 1]).toBe(node);
        for (let hop = 1; hop < walk.length; hop += 1) {
          const [from, to] = [walk[hop - 1] ?? 0, walk[hop] ?? 0];
          expect(topology.get(from), `${walk.join(' ➜ ')}: ${from} and ${to} are linked`).toContain(to);
        }
      }
    }
    // What the compose file's Prometheus scrapes: GOSSIP_METRICS_PORT, on the project network only.
    const metrics = await (await fetch(`http://${addresses.get(16)}:${METRICS_PORT}/metrics`)).text();
    expect(metrics).toMatch(/^gossip_messages_held\{node="16"\} 1$/m);
    expect(metrics).toMatch(/^gossip_delivery_latency_seconds_count\{.*via="relay".*\} 1$/m);
    // The compose session of docs/operations.md: the CLI inside a container reaches another one by its compose host name.
    const listing = await compose.gossip('node1', ['get-messages', `node16:${PORT}`]);
    expect(listing.stdout).toMatch(/• hello containers\n\s+↳ 1 ➜ /);
    // No state file in there: node numbers go through node1's member table (--via).
    const via = ['--via', `node1:${PORT}`, '--json'];
    const status = JSON.parse((await compose.gossip('node1', ['status', ...via])).stdout) as {
      nodes: Array<{ id: number; state: string }>;
    };
    expect(status.nodes.filter((node) => node.state === 'up').map((node) => node.id)).toEqual(ids());
    const trace = JSON.parse(
      (await compose.gossip('node1', ['trace', 'hello containers', ...via])).stdout,
    ) as {
      reached: number;
    };
    expect(trace.reached).toBe(16);
    const byNumber = await compose.gossip('node1', ['get-messages', '16', '--via', `node1:${PORT}`]);
    expect(byNumber.stdout).toBe(listing.stdout);
  }, 300_000);

  it('catches a stopped and restarted container up on what it missed', async () => {
    await run('podman', ['stop', compose.container('node5')]);
    await compose.gossip('node1', ['send-message', `node1:${PORT}`, 'while node5 was down']);
    await run('podman', ['start', compose.container('node5')]);
    addresses.set(5, await compose.address('node5'));
    const caughtUp = await waitFor(
      async () => {
        const [node5] = live([5]);
        const listing = await peekMessages(node5 as LiveNode, 5_000);
        return listing.messages.find((message) => message.text === 'while node5 was down');
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'node5 to catch up' },
    );
    expect(caughtUp.paths.map((arrival) => arrival.via)).toContain('catch-up');
    const shown = await compose.gossip('node1', ['get-messages', `node5:${PORT}`]);
    expect(shown.stdout).toMatch(/• while node5 was down\n(\s+↳ .*\n)*\s+↳ [\d ➜]+ \(catch-up\)/);
    await waitFor(() => compose.healthy('node5'), {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      what: 'node5 healthy',
    });
  }, 300_000);

  it('repairs around a container killed for good: its peers re-link under the 3-peer cap', async () => {
    // A victim whose peers are not linked to each other, so the repair has links to make.
    const victim = [...ids()].reverse().find((id) => {
      const peers = topology.get(id) ?? [];
      return id !== 1 && id !== 5 && peers.every((a) => peers.every((b) => !topology.get(a)?.includes(b)));
    });
    if (victim === undefined) throw new Error('no node of the compose topology has three unlinked peers');
    const formerPeers = topology.get(victim) ?? [];
    await run('podman', ['kill', compose.container(`node${victim}`)]);
    const survivors = live(ids().filter((id) => id !== victim));
    await waitFor(
      async () => {
        const stats = await statsOf(survivors);
        const overlay = overlayOf(stats);
        const relinked = stats.filter(
          (node) =>
            formerPeers.includes(node.node) &&
            node.peers.some((peer) => peer.state === 'up' && !topology.get(node.node)?.includes(peer.id)),
        );
        return (
          stats.every((node) => node.peers.every((peer) => peer.id !== victim)) &&
          overlay.connected &&
          overlay.maxDegree <= 3 &&
          relinked.length >= 2
        );
      },
      { timeoutMs: 120_000, intervalMs: 1_000, what: `the peers of node${victim} to re-link without it` },
    );
    // Killed for good: the restart policy (unless-stopped) does not bring it back.
    const state = await run('podman', [
      'inspect',
      '--format',
      '{{.State.Status}}',
      compose.container(`node${victim}`),
    ]);
    expect(state.stdout.trim()).toBe('exited');
  }, 240_000);

  it('leaves nothing of the project behind after `down -v`', async () => {
    await compose.compose(['down', '-v']);
    const after = await compose.leftovers();
    expect(after.containers).toEqual([]);
    expect(after.volumes).toEqual([]);
    // podman-compose 1.0.3 (Debian 12) does not remove the network it made on `down` (`docker compose` does).
    // That network is the only thing it may leave, and the test removes it.
    expect(after.networks.filter((network) => network !== `${name}_default`)).toEqual([]);
    await compose.remove();
    expect(await compose.leftovers()).toEqual({ containers: [], volumes: [], networks: [] });
  }, 600_000);
});
