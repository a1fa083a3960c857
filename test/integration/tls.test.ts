// Mutual TLS end to end: a network started with --tls works through the CLI (send, list, status, trace,
// remove, add, restart); a plaintext connection and a certificate of a foreign CA are refused, counted in
// /STATS and Prometheus, and logged, and the node stays healthy; a node with a foreign certificate cannot
// join; TLS and the cluster key together work; bad TLS settings fail with a clear error.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthority, issueCertificate } from '../../src/tls/certificates.js';
import type { TlsFiles } from '../../src/tls/material.js';
import { gossip, gossipJson } from '../helpers/cli.js';
import { DaemonPool, GOSSIP_BIN } from '../helpers/daemons.js';
import { NetworkPool, neighbours, type TestNetwork } from '../helpers/network.js';
import { allocatePortRange } from '../helpers/ports.js';
import { talkBytes } from '../helpers/raw.js';
import { askTls, refusal, talkTlsHalfClosed } from '../helpers/tls-client.js';
import { waitFor } from '../helpers/wait-for.js';

interface Stats {
  counters: Record<string, number>;
  errors: Record<string, number>;
  peers: Array<{ id: number; state: string }>;
}

interface Listing {
  messages: Array<{ id: string; text: string; paths: Array<{ path: number[] }> }>;
}

/** A stack trace line: never printed for an expected error. */
const STACK = /^\s+at /m;

async function logLines(home: string, id: number): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path.join(home, 'logs', `node-${id}.log`), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Waits until every node holds `text` with one path per neighbour (the origin one more). */
async function waitDelivered(home: string, network: TestNetwork, text: string): Promise<void> {
  const adjacent = neighbours(network.edges);
  for (const node of network.nodes) {
    await waitFor(
      async () => {
        const listing = await gossipJson<Listing>(['get-messages', String(node.id), 'all'], home);
        const paths = listing.messages.find((message) => message.text === text)?.paths ?? [];
        return paths.length === (adjacent.get(node.id)?.size ?? 0) + (node.id === 1 ? 1 : 0);
      },
      { timeoutMs: 60_000, what: `every path of "${text}" at node ${node.id}` },
    );
  }
}

describe('a network started with --tls', () => {
  const pool = new NetworkPool();
  const daemons = new DaemonPool();
  let home: string;
  let network: TestNetwork;
  let metricsBase: number;
  let cluster: { ca: string; client: TlsFiles };
  /** A certificate of a foreign CA, with a CA file that trusts both that CA and the cluster's. */
  let foreign: TlsFiles;
  const portOf = (id: number): number => network.basePort + id;

  beforeAll(async () => {
    home = await pool.home();
    metricsBase = await allocatePortRange(6);
    // 4 nodes; add-node takes base + 5, a foreign node base + 6.
    network = await pool.startIn(
      home,
      ['--tls', '--seed', '3', '--metrics-base-port', String(metricsBase)],
      4,
      {
        ports: 6,
      },
    );
    const tlsDir = path.join(home, 'tls');
    cluster = {
      ca: path.join(tlsDir, 'ca.crt'),
      client: {
        cert: path.join(tlsDir, 'client.crt'),
        key: path.join(tlsDir, 'client.key'),
        ca: path.join(tlsDir, 'ca.crt'),
      },
    };
    const otherCa = await createAuthority('a foreign CA');
    const stranger = await issueCertificate(otherCa, {
      commonName: 'Gossip-Node-1',
      usage: 'node',
      names: ['127.0.0.1', 'localhost'],
    });
    const dir = await daemons.tempDir();
    foreign = {
      cert: path.join(dir, 'foreign.crt'),
      key: path.join(dir, 'foreign.key'),
      ca: path.join(dir, 'foreign-and-cluster-ca.crt'),
    };
    await writeFile(foreign.cert, stranger.cert);
    await writeFile(foreign.key, stranger.key);
    await writeFile(foreign.ca, otherCa.cert + (await readFile(cluster.ca, 'utf8')));
  }, 180_000);

  afterAll(async () => {
    await daemons.cleanup();
    await pool.cleanup();
  });

  const stats = async (id: number): Promise<Stats> =>
    (await askTls(portOf(id), '/STATS:', cluster.client)) as Stats;

  it('records the certificates in the state, and the CLI works as on a plain network', async () => {
    const state = JSON.parse(await readFile(path.join(home, 'network.json'), 'utf8')) as {
      tls?: { dir: string; clientCert: string };
    };
    expect(state.tls?.dir).toBe(path.join(home, 'tls'));
    expect(state.tls?.clientCert).toBe(cluster.client.cert);

    const sent = await gossipJson<{ id: string }>(['send-message', '1', 'over', 'tls'], home);
    await waitDelivered(home, network, 'over tls');

    const human = await gossip(['get-messages', '3'], home);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain('• over tls');

    const status = await gossipJson<{ nodes: Array<{ id: number; state: string; peers: number[] }> }>(
      ['status'],
      home,
    );
    expect(status.nodes.map((node) => node.state)).toEqual(['up', 'up', 'up', 'up']);

    const trace = await gossip(['trace', sent.id], home);
    expect(trace.exitCode).toBe(0);
    expect(trace.stdout).toContain('reached 4/4 nodes');

    // A client that half-closes after its request (as the reference client does) still gets the reply.
    const halfClosed = await talkTlsHalfClosed(portOf(2), '/NEW:1|half closed', cluster.client);
    expect(JSON.parse(halfClosed)).toMatchObject({ node: 2 });

    const peers = await gossip(['list-peers', '2'], home);
    expect(peers.stdout).toMatch(/^Gossip-Node-2 has peers:/);
    expect((await gossip(['health', '4'], home)).exitCode).toBe(0);
    const members = await gossipJson<{ members: Array<{ id: number; state: string }> }>(['members'], home);
    expect(members.members.filter((member) => member.state === 'alive')).toHaveLength(4);
  }, 180_000);

  it('removes, restarts and adds nodes over TLS (the new node gets a certificate of the cluster CA)', async () => {
    expect((await gossip(['remove-node', '2'], home)).stdout).toBe('Gossip-Node-2 removed');
    const restarted = await gossip(['restart-node', '2'], home);
    expect(restarted.exitCode, restarted.stderr).toBe(0);
    const added = await gossipJson<{ node: number }>(['add-node'], home);
    expect(added.node).toBe(5);
    await waitFor(async () => (await stats(5)).peers.some((peer) => peer.state === 'up'), {
      timeoutMs: 60_000,
      what: 'the added node to link up over TLS',
    });
    await gossip(['send-message', '5', 'from the new node'], home);
    for (const id of [1, 2, 3, 4, 5]) {
      await waitFor(
        async () =>
          (await gossipJson<Listing>(['get-messages', String(id)], home)).messages.some(
            (message) => message.text === 'from the new node',
          ),
        { timeoutMs: 60_000, what: `node ${id} to get the new node's message` },
      );
    }
  }, 240_000);

  it('refuses a plaintext connection: TLS_REQUIRED on the wire, counted, logged; the node stays healthy', async () => {
    const before = await stats(1);
    const reply = (await talkBytes(portOf(1), '/HEALTH:\n')).toString('utf8');
    expect(JSON.parse(reply)).toMatchObject({ code: 'TLS_REQUIRED' });
    // The CLI without certificates says what is wrong, with no stack trace.
    const plainCli = await gossip(['health', `127.0.0.1:${portOf(1)}`], await pool.home());
    expect(plainCli.exitCode).not.toBe(0);
    expect(plainCli.stderr).toMatch(/^error: .*accepts TLS connections only/);
    expect(plainCli.stderr).not.toMatch(STACK);

    const after = await waitFor(
      async () => {
        const now = await stats(1);
        return (now.errors.TLS_REQUIRED ?? 0) >= (before.errors.TLS_REQUIRED ?? 0) + 2 ? now : undefined;
      },
      { what: 'the plaintext refusals to be counted' },
    );
    expect(after.counters.tlsRefused).toBeGreaterThanOrEqual((before.counters.tlsRefused ?? 0) + 2);
    await waitFor(
      async () =>
        (await logLines(home, 1)).some((line) => line.msg === 'tls.refused' && line.code === 'TLS_REQUIRED'),
      { what: 'a tls.refused log line' },
    );
    expect((await gossip(['health', '1'], home)).exitCode).toBe(0);
  }, 120_000);

  it('refuses a client certificate the cluster CA did not sign: counted, logged, in Prometheus', async () => {
    const how = await refusal(portOf(1), foreign);
    expect(how).not.toBe('');
    const counted = await waitFor(
      async () => {
        const now = await stats(1);
        return (now.errors.TLS_BAD_CERTIFICATE ?? 0) >= 1 ? now : undefined;
      },
      { what: 'the foreign certificate to be counted' },
    );
    expect(counted.counters.tlsRefused).toBeGreaterThanOrEqual(1);
    await waitFor(
      async () =>
        (await logLines(home, 1)).some(
          (line) =>
            line.msg === 'tls.refused' &&
            line.code === 'TLS_BAD_CERTIFICATE' &&
            String(line.reason).includes('not signed by the cluster CA'),
        ),
      { what: 'a tls.refused log line naming the certificate' },
    );
    const metrics = await (await fetch(`http://127.0.0.1:${metricsBase + 1}/metrics`)).text();
    const sample = (name: string, ...labels: string[]): number | undefined => {
      const line = metrics
        .split('\n')
        .find((text) => text.startsWith(`${name}{`) && labels.every((label) => text.includes(label)));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    expect(sample('gossip_tls_refusals_total', 'node="1"')).toBeGreaterThanOrEqual(1);
    expect(
      sample('gossip_auth_refusals_total', 'mechanism="tls"', 'code="TLS_BAD_CERTIFICATE"'),
    ).toBeGreaterThanOrEqual(1);

    // The CLI with that certificate is refused too, in words.
    const cli = await execa(process.execPath, [GOSSIP_BIN, 'health', `127.0.0.1:${portOf(1)}`], {
      reject: false,
      env: {
        GOSSIP_HOME: await pool.home(),
        GOSSIP_TLS_CERT: foreign.cert,
        GOSSIP_TLS_KEY: foreign.key,
        GOSSIP_TLS_CA: foreign.ca,
      },
    });
    expect(cli.exitCode).not.toBe(0);
    // TLS 1.3: the client's handshake is over before the node checks its certificate; the CLI says so.
    expect(cli.stderr).toMatch(
      /^error: .*over TLS: the node refuses a certificate its cluster CA did not sign/,
    );
    expect(cli.stderr).not.toMatch(STACK);
    expect((await gossip(['health', '1'], home)).exitCode).toBe(0);
  }, 120_000);

  it('keeps out a node whose certificate a foreign CA signed, though it trusts the cluster CA', async () => {
    const before = (await stats(1)).errors.TLS_BAD_CERTIFICATE ?? 0;
    await daemons.start(
      {
        id: 9,
        port: portOf(6),
        peers: [],
        extraArgs: [
          '--join',
          `1@127.0.0.1:${portOf(1)}`,
          '--tls-cert',
          foreign.cert,
          '--tls-key',
          foreign.key,
          '--tls-ca',
          foreign.ca,
        ],
      },
      { waitReady: false },
    );
    // Its HELLOs to node 1 keep being refused at the handshake...
    await waitFor(async () => ((await stats(1)).errors.TLS_BAD_CERTIFICATE ?? 0) >= before + 2, {
      timeoutMs: 60_000,
      what: "node 1 to refuse the foreign node's connections",
    });
    // ...so it is nobody's peer and no member.
    for (const id of [1, 2, 3, 4, 5]) expect((await stats(id)).peers.map((peer) => peer.id)).not.toContain(9);
    const members = await gossipJson<{ members: Array<{ id: number }> }>(['members'], home);
    expect(members.members.map((member) => member.id)).not.toContain(9);
  }, 120_000);
});

describe('TLS and the cluster key together', () => {
  const pool = new NetworkPool();
  afterAll(() => pool.cleanup());

  it('sends, lists and removes with both, and the key is still checked inside TLS', async () => {
    const home = await pool.home();
    const keyFile = path.join(home, 'cluster.key');
    await writeFile(keyFile, 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n');
    const network = await pool.startIn(home, ['--tls', '--cluster-key-file', keyFile, '--seed', '5'], 4);
    const started = JSON.parse(await readFile(path.join(home, 'network.json'), 'utf8')) as {
      clusterKeyFile?: string;
      tls?: { clientCert: string; clientKey: string; ca: string };
    };
    expect(started.clusterKeyFile).toBe(keyFile);
    const client = {
      cert: started.tls?.clientCert ?? '',
      key: started.tls?.clientKey ?? '',
      ca: started.tls?.ca ?? '',
    };

    await gossip(['send-message', '1', 'both'], home);
    await waitDelivered(home, network, 'both');

    // A TLS client without the key still may not do what needs the key.
    const port = network.basePort + 1;
    const peer = network.nodes.find((node) => node.id === 1)?.peers[0] ?? 0;
    expect(await askTls(port, `/REMOVE:${peer}`, client)).toMatchObject({ code: 'AUTH_REQUIRED' });
    const peersOfOne = (await askTls(port, '/STATS:', client)) as Stats;
    expect(peersOfOne.peers.map((entry) => entry.id)).toContain(peer);

    // The CLI authenticates inside TLS: remove-node works.
    const removed = await gossip(['remove-node', String(peer)], home);
    expect(removed.stderr).toBe('');
    expect(removed.stdout).toBe(`Gossip-Node-${peer} removed`);
  }, 180_000);
});

describe('bad TLS settings fail with a clear error, no stack trace', () => {
  const pool = new NetworkPool();
  afterAll(() => pool.cleanup());

  it('a node given one of the three flags, a missing file, or a key of another certificate', async () => {
    const home = await pool.home();
    const ca = await createAuthority('test CA');
    const one = await issueCertificate(ca, { commonName: 'one', usage: 'node', names: ['127.0.0.1'] });
    const two = await issueCertificate(ca, { commonName: 'two', usage: 'node', names: ['127.0.0.1'] });
    await writeFile(path.join(home, 'ca.crt'), ca.cert);
    await writeFile(path.join(home, 'one.crt'), one.cert);
    await writeFile(path.join(home, 'two.key'), two.key);
    const port = String((await allocatePortRange(1)) + 1);
    const node = (...args: string[]) => gossip(['node', '--id', '1', '--port', port, ...args], home);
    const file = (name: string) => path.join(home, name);

    const alone = await node('--tls-cert', file('one.crt'));
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toContain('--tls-cert, --tls-key and --tls-ca go together');

    const missing = await node(
      '--tls-cert',
      file('nope.crt'),
      '--tls-key',
      file('two.key'),
      '--tls-ca',
      file('ca.crt'),
    );
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`cannot read the TLS certificate file ${file('nope.crt')}`);

    const mismatch = await node(
      '--tls-cert',
      file('one.crt'),
      '--tls-key',
      file('two.key'),
      '--tls-ca',
      file('ca.crt'),
    );
    expect(mismatch.exitCode).toBe(2);
    expect(mismatch.stderr).toBe(
      `error: the key in ${file('two.key')} is not the key of the certificate in ${file('one.crt')}`,
    );
    for (const result of [alone, missing, mismatch]) expect(result.stderr).not.toMatch(STACK);

    const cli = await execa(process.execPath, [GOSSIP_BIN, 'health', `127.0.0.1:${port}`], {
      reject: false,
      env: { GOSSIP_HOME: home, GOSSIP_TLS_CERT: file('one.crt') },
    });
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toBe(
      'error: GOSSIP_TLS_CERT, GOSSIP_TLS_KEY, GOSSIP_TLS_CA go together: GOSSIP_TLS_KEY and GOSSIP_TLS_CA are not set',
    );
  }, 120_000);
});
