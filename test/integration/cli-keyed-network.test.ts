// A network started with a cluster key works end to end through the CLI: the key file is recorded, every
// node gets it, messages flow, remove-node authenticates its /REMOVE lines (and checks the key before it
// stops anything), add-node joins with the key; a stranger's unauthenticated /REMOVE changes nothing.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gossip, gossipJson } from '../helpers/cli.js';
import { NetworkPool, neighbours } from '../helpers/network.js';
import { waitFor } from '../helpers/wait-for.js';
import { errorCodes, RawClient } from '../helpers/wire.js';

const pool = new NetworkPool();
afterAll(() => pool.cleanup());

interface Listing {
  messages: Array<{ text: string; paths: Array<{ path: number[] }> }>;
}

describe('a network started with --cluster-key-file', () => {
  it('sends, lists, removes and adds nodes through the CLI, and refuses strangers', async () => {
    const home = await pool.home();
    const keyFile = path.join(home, 'cluster.key');
    await writeFile(keyFile, 'f00dfeedcafe0123456789abcdef0123456789abcdef0123456789abcdef0123\n');
    // add-node takes the next port, base + 9: reserved too.
    const network = await pool.startIn(home, ['--seed', '11', '--cluster-key-file', keyFile], 8, {
      ports: 9,
    });
    const state = JSON.parse(await readFile(path.join(home, 'network.json'), 'utf8')) as {
      clusterKeyFile?: string;
    };
    expect(state.clusterKeyFile).toBe(keyFile);

    expect((await gossip(['send-message', '1', 'sealed'], home)).stdout).toBe(
      'Message sent to Gossip-Node-1',
    );
    const adjacent = neighbours(network.edges);
    for (const node of network.nodes) {
      await waitFor(
        async () => {
          const listing = await gossipJson<Listing>(['get-messages', String(node.id), 'all'], home);
          const paths = listing.messages.find((message) => message.text === 'sealed')?.paths ?? [];
          return paths.length === (adjacent.get(node.id)?.size ?? 0) + (node.id === 1 ? 1 : 0);
        },
        { what: `every path of the message at node ${node.id}` },
      );
    }

    // A stranger without the key cannot remove a peer.
    const victim = network.nodes.find((node) => node.id === 1);
    const stranger = await RawClient.connect(victim?.port ?? 0);
    const peerOfOne = [...(adjacent.get(1) ?? [])][0] ?? 0;
    await stranger.write(`/REMOVE:${peerOfOne}\n`);
    expect(errorCodes(await stranger.waitLines(1))).toEqual(['AUTH_REQUIRED']);
    stranger.destroy();
    const peersOfOne = async () =>
      (await gossipJson<{ peers: Array<{ id: number }> }>(['list-peers', '1'], home)).peers.map(
        (peer) => peer.id,
      );
    expect(await peersOfOne()).toContain(peerOfOne);

    // With a wrong key in the recorded file, remove-node refuses before it stops anything.
    const key = await readFile(keyFile, 'utf8');
    await writeFile(keyFile, '0000000000000000000000000000000000000000000000000000000000000bad\n');
    const refused = await gossip(['remove-node', String(peerOfOne)], home);
    expect(refused.exitCode).toBe(7);
    expect(refused.stderr).toMatch(/refused to authenticate us: bad signature/);
    const status = await gossipJson<{ nodes: Array<{ id: number; state: string }> }>(['status'], home);
    expect(status.nodes.find((node) => node.id === peerOfOne)?.state).toBe('up');
    await writeFile(keyFile, key);

    // With the right key it works: the former peers drop the node.
    const removed = await gossip(['remove-node', String(peerOfOne)], home);
    expect(removed.stderr).toBe('');
    expect(removed.stdout).toBe(`Gossip-Node-${peerOfOne} removed`);
    await waitFor(async () => !(await peersOfOne()).includes(peerOfOne), { what: 'node 1 to drop its peer' });

    // add-node starts the new node with the recorded key; it joins.
    const added = await gossipJson<{ node: number }>(['add-node'], home);
    await waitFor(
      async () =>
        (
          await gossipJson<{ peers: Array<{ state: string }> }>(['list-peers', String(added.node)], home)
        ).peers.some((peer) => peer.state === 'up'),
      { what: 'the added node to link up' },
    );
  });
});
