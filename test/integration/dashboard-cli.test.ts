// `gossip dashboard` without a browser: it follows every node of a real network, logs their events,
// sends messages for the page, replays any message (even one sent before it started), notices nodes that
// die, restart or are removed, refuses bad requests, and stops cleanly.

import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  DashboardState,
  MessageReplay,
  NodeDetails,
} from '../../src/dashboard/model/dashboard-state.js';
import { gossip, gossipJson } from '../helpers/cli.js';
import { DashboardPool } from '../helpers/dashboard.js';
import { NetworkPool } from '../helpers/network.js';
import { waitFor } from '../helpers/wait-for.js';

const networks = new NetworkPool();
const dashboards = new DashboardPool();
afterEach(async () => {
  await dashboards.cleanup();
  await networks.cleanup();
});

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function post(url: string, body: unknown, type = 'application/json'): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });
}

/** A request with another Host header, as a page reached through DNS rebinding would send. */
function statusWithHost(url: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', reject);
  });
}

const statusOf = (state: DashboardState, id: number) =>
  state.topology.nodes.find((node) => node.id === id)?.status;

describe('gossip dashboard', () => {
  it('refuses to start without a network, and names a port that is taken', async () => {
    const empty = await networks.home();
    const none = await gossip(['dashboard', '--port', '0'], empty);
    expect(none.exitCode).toBe(3);
    expect(none.stderr).toMatch(/^error: no network is running/);

    const network = await networks.start(['--seed', '3'], 4);
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const taken = await gossip(['dashboard', '--port', String(port)], network.home);
      expect(taken.exitCode).toBe(9);
      expect(taken.stderr).toBe(`error: 127.0.0.1:${port} is already in use; pick another with --port`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('follows the network: sends, logs and replays messages, sees nodes die, restart and go', async () => {
    const network = await networks.start(['--seed', '5'], 6);
    const { id: early } = await gossipJson<{ id: string }>(['send-message', '1', 'early bird'], network.home);
    const dashboard = await dashboards.start(network.home);
    const api = (path: string) => new URL(path, dashboard.url).toString();
    await waitFor(
      async () =>
        (await get<DashboardState>(api('/api/state'))).topology.nodes.every((n) => n.status === 'up'),
      { what: 'every node stream up' },
    );
    const first = await get<DashboardState>(api('/api/state'));
    expect(first.network).toMatchObject({ seed: 5, relays: 1, eventLog: dashboard.eventLog });
    expect(first.topology.nodes).toHaveLength(6);
    expect(Object.keys(first.positions)).toHaveLength(6);

    // A message sent before the dashboard started is replayed from what the nodes recorded, by text.
    const before = await get<MessageReplay>(api(`/api/messages/${encodeURIComponent('early bird')}`));
    expect(before).toMatchObject({ id: early, text: 'early bird', origin: 1, source: 'nodes' });
    expect(new Set(before.arrivals.map((arrival) => arrival.node)).size).toBe(6);

    // The page's send box: page -> dashboard -> the node's /NEW. 6 nodes, 9 links: 19 arrivals in all.
    const sent = await post(api('/api/messages'), { node: 2, text: 'via dashboard' });
    expect(sent.status).toBe(200);
    const { id } = (await sent.json()) as { id: string; node: number };
    const summary = await waitFor(
      async () => {
        const state = await get<DashboardState>(api('/api/state'));
        const found = state.messages.find((message) => message.id === id);
        return found?.arrivals === 19 ? found : undefined;
      },
      { what: 'all 19 arrivals of the message' },
    );
    expect(summary).toMatchObject({ text: 'via dashboard', origin: 2, reached: 6, relayLines: 18 });
    const replay = await get<MessageReplay>(api(`/api/messages/${encodeURIComponent(id)}`));
    expect(replay).toMatchObject({ id, origin: 2, source: 'live' });
    expect(replay.arrivals).toHaveLength(19);
    // The log is written behind the live view: it catches up.
    const loggedArrivals = async () =>
      (await readFile(dashboard.eventLog, 'utf8'))
        .split('\n')
        .filter((line) => line.includes('"message.delivered"') && line.includes(JSON.stringify(id))).length;
    await waitFor(async () => (await loggedArrivals()) === 19, { what: '19 arrivals in the event log' });

    // Node details are get-messages' data, read without marking anything read.
    const details = await get<NodeDetails>(api('/api/nodes/3'));
    expect(details.stats?.node).toBe(3);
    expect(details.messages?.find((message) => message.id === id)?.paths).toHaveLength(3);
    const unread = await gossipJson<{ messages: Array<{ id: string }> }>(
      ['get-messages', '3', 'unread'],
      network.home,
    );
    expect(unread.messages.map((message) => message.id)).toContain(id);

    // Bad requests get a JSON error, not a crash.
    expect((await post(api('/api/messages'), { node: 2, text: 'x' }, 'text/plain')).status).toBe(415);
    expect((await post(api('/api/messages'), { node: 2, text: '' })).status).toBe(400);
    expect((await post(api('/api/messages'), { node: 99, text: 'hi' })).status).toBe(404);
    const control = await post(api('/api/messages'), { node: 2, text: 'bell \u0007' });
    expect(control.status).toBe(400);
    expect(((await control.json()) as { error: string }).error).toContain('control characters');
    expect((await fetch(api('/api/messages/no%20such%20message'))).status).toBe(404);
    expect((await fetch(api('/nowhere'))).status).toBe(404);
    expect(await statusWithHost(api('/api/state'), 'evil.example')).toBe(403);

    // A node killed is seen down; restarted, it is followed again.
    const victim = network.nodes.find((node) => node.id === 4);
    if (victim === undefined) throw new Error('no node 4');
    process.kill(victim.pid, 'SIGKILL');
    await waitFor(async () => statusOf(await get<DashboardState>(api('/api/state')), 4) === 'down', {
      what: 'node 4 down',
    });
    expect((await gossip(['restart-node', '4'], network.home)).exitCode).toBe(0);
    await waitFor(async () => statusOf(await get<DashboardState>(api('/api/state')), 4) === 'up', {
      what: 'node 4 up again',
    });

    // A removed node is shown removed, and its former peers drop it.
    expect((await gossip(['remove-node', '5'], network.home)).exitCode).toBe(0);
    const after = await waitFor(
      async () => {
        const state = await get<DashboardState>(api('/api/state'));
        const peersOfFive = state.topology.nodes
          .flatMap((node) => node.peers)
          .filter((peer) => peer.id === 5);
        return statusOf(state, 5) === 'removed' && peersOfFive.length === 0 ? state : undefined;
      },
      { what: 'node 5 removed and dropped' },
    );
    expect(after.topology.nodes.filter((node) => node.status === 'up')).toHaveLength(5);

    expect(await dashboard.stop()).toBe(0);
  });

  it('notices the network stopped, and follows a new one started in the same home', async () => {
    // Four nodes now, six in the network started later on the same ports: reserve six.
    const network = await networks.start(['--seed', '8'], 4, { ports: 6 });
    const dashboard = await dashboards.start(network.home);
    const state = () => get<DashboardState>(new URL('/api/state', dashboard.url).toString());
    await waitFor(async () => (await state()).topology.nodes.every((node) => node.status === 'up'), {
      what: 'the first network up',
    });
    expect((await gossip(['stop-network'], network.home)).exitCode).toBe(0);
    await waitFor(async () => (await state()).network === null, { what: 'no network' });

    const again = await gossip(
      ['start-network', '-n', '6', '--seed', '9', '--base-port', String(network.basePort)],
      network.home,
    );
    expect(again.exitCode).toBe(0);
    const fresh = await waitFor(
      async () => {
        const current = await state();
        const up = current.topology.nodes.filter((node) => node.status === 'up');
        return current.network?.seed === 9 && up.length === 6 ? current : undefined;
      },
      { what: 'the new network followed' },
    );
    expect(fresh.topology.nodes).toHaveLength(6);
    expect(fresh.messages).toEqual([]);
    expect(await dashboard.stop()).toBe(0);
  });
});
