// Cluster membership by gossip on a real network: every live node's table converges to the truth after a
// kill -9, a SIGSTOP and resume, a remove-node, a restart and an add-node; a removed node does not come
// back; and the CLI gives the same answers through a node's table (--via) as through the state file.

import { afterAll, describe, expect, it } from 'vitest';
import { fetchMembers } from '../../src/client/node-client.js';
import type { MemberView } from '../../src/protocol/replies.js';
import { gossip, gossipJson } from '../helpers/cli.js';
import { NetworkPool, type TestNetwork } from '../helpers/network.js';
import { waitFor } from '../helpers/wait-for.js';

const pool = new NetworkPool();
afterAll(() => pool.cleanup());

const N = 8;
const addressOf = (net: TestNetwork, id: number) => ({ host: '127.0.0.1', port: net.basePort + id });

/** Waits until every node in `live` sees every member in `expected` in that state. */
async function converged(
  net: TestNetwork,
  live: readonly number[],
  expected: Record<number, MemberView['state']>,
  what: string,
  timeoutMs = 15_000,
): Promise<Map<number, MemberView[]>> {
  return waitFor(
    async () => {
      const tables = new Map<number, MemberView[]>();
      for (const id of live) {
        const { members } = await fetchMembers(addressOf(net, id), 2_000);
        const states = Object.fromEntries(members.map((member) => [member.id, member.state]));
        for (const [member, state] of Object.entries(expected))
          if (states[member] !== state) return undefined;
        tables.set(id, members);
      }
      return tables;
    },
    { timeoutMs, what },
  );
}

const pidOf = async (net: TestNetwork, id: number) =>
  (await gossipJson<{ nodes: Array<{ id: number; pid: number }> }>(['status'], net.home)).nodes.find(
    (node) => node.id === id,
  )?.pid ?? 0;

describe('membership by gossip', () => {
  it('converges on kill -9, stop and resume, remove, restart and add, and a removed node stays gone', async () => {
    const net = await pool.start(['--seed', '21'], N);
    const all = Array.from({ length: N }, (_, index) => index + 1);
    const alive = Object.fromEntries(all.map((id) => [id, 'alive'])) as Record<number, MemberView['state']>;
    const tables = await converged(net, all, alive, 'every table to list every node alive');
    // Addresses and peers are the truth: what each node says of itself.
    for (const members of tables.values()) {
      for (const member of members) expect(member.address).toBe(`127.0.0.1:${net.basePort + member.id}`);
    }

    process.kill(await pidOf(net, 3), 'SIGKILL');
    const others = all.filter((id) => id !== 3);
    await converged(net, others, { ...alive, 3: 'dead' }, 'node 3 dead in every table', 10_000);

    const stopped = await pidOf(net, 5);
    process.kill(stopped, 'SIGSTOP');
    try {
      const rest = others.filter((id) => id !== 5);
      await converged(net, rest, { 5: 'dead' }, 'the stopped node 5 dead in every table', 20_000);
    } finally {
      process.kill(stopped, 'SIGCONT');
    }
    // Resumed, it refutes: alive again everywhere, with a higher incarnation.
    const before = (await fetchMembers(addressOf(net, 1))).members.find((member) => member.id === 5);
    const resumed = await converged(net, others, { 5: 'alive' }, 'node 5 alive again everywhere');
    const after = resumed.get(1)?.find((member) => member.id === 5);
    expect(after?.incarnation).toBeGreaterThan(before?.incarnation ?? 0);

    expect((await gossip(['remove-node', '7'], net.home)).exitCode).toBe(0);
    const remaining = others.filter((id) => id !== 7);
    await converged(net, remaining, { 7: 'left' }, 'node 7 left in every table');

    expect((await gossip(['restart-node', '3'], net.home)).exitCode).toBe(0);
    const added = await gossipJson<{ node: number }>(['add-node'], net.home);
    const now = [...remaining, 3, added.node];
    await converged(
      net,
      now,
      { 3: 'alive', [added.node]: 'alive', 7: 'left' },
      'the restarted and the added node alive, node 7 still left, everywhere',
    );
    // A few seconds on, node 7 has not come back anywhere.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await converged(net, now, { 7: 'left' }, 'node 7 still left', 5_000);
  });

  it('gives the same answers through a node (--via) as through the state file', async () => {
    const net = await pool.start(['--seed', '22'], 6);
    await converged(net, [1, 2, 3, 4, 5, 6], { 1: 'alive', 6: 'alive' }, 'every table full');
    const via = ['--via', `127.0.0.1:${net.basePort + 4}`];
    expect((await gossip(['send-message', '2', 'seen twice', ...via], net.home)).stdout).toBe(
      'Message sent to Gossip-Node-2',
    );
    await waitFor(async () => {
      const status = await gossipJson<{ nodes: Array<{ messages: number | null }> }>(['status'], net.home);
      return status.nodes.every((node) => node.messages === 1);
    });
    for (const args of [
      ['list-peers', '5'],
      ['health', '3'],
      ['get-messages', '6', 'read'],
    ]) {
      const plain = await gossip(args, net.home);
      const through = await gossip([...args, ...via], net.home);
      expect(through.stdout.replace(/up \d+s/, ''), args.join(' ')).toBe(plain.stdout.replace(/up \d+s/, ''));
      expect(through.exitCode).toBe(0);
    }
    const statusPlain = await gossipJson<{ nodes: Array<{ id: number; state: string; peers: unknown }> }>(
      ['status'],
      net.home,
    );
    const statusVia = await gossipJson<{ nodes: Array<{ id: number; state: string; peers: unknown }> }>(
      ['status', ...via],
      net.home,
    );
    const shape = (status: typeof statusPlain) =>
      status.nodes.map((node) => [node.id, node.state, node.peers]);
    expect(shape(statusVia)).toEqual(shape(statusPlain));
    const tracePlain = await gossipJson<{ reached: number; origin: number }>(
      ['trace', 'seen twice'],
      net.home,
    );
    const traceVia = await gossipJson<{ reached: number; origin: number }>(
      ['trace', 'seen twice', ...via],
      net.home,
    );
    expect(traceVia).toMatchObject({ reached: tracePlain.reached, origin: 2 });
    // No state file at all: the node numbers still resolve.
    const elsewhere = await pool.home();
    const alone = await gossip(['list-peers', '5', ...via], elsewhere);
    expect(alone.stdout).toBe((await gossip(['list-peers', '5'], net.home)).stdout);
    const members = await gossipJson<{ members: MemberView[] }>(['members', ...via], elsewhere);
    expect(members.members.map((member) => member.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
