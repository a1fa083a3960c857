// `gossip dashboard --via <host:port>` where there is no state file (compose, Kubernetes, several hosts):
// it follows every member of the cluster, as the node named knows them, and its send box works.

import { afterAll, describe, expect, it } from 'vitest';
import { DashboardPool } from '../helpers/dashboard.js';
import { NetworkPool } from '../helpers/network.js';
import { waitFor } from '../helpers/wait-for.js';

const networks = new NetworkPool();
const dashboards = new DashboardPool();
afterAll(async () => {
  await dashboards.cleanup();
  await networks.cleanup();
});

interface PageState {
  network: { description: string } | null;
  topology: { nodes: Array<{ id: number; status: string }> };
}

describe('the dashboard through a member table', () => {
  it('follows every member, with no state file in its home, and sends messages', async () => {
    const net = await networks.start(['--seed', '31'], 6);
    const elsewhere = await networks.home();
    const dashboard = await dashboards.start(elsewhere, ['--via', `127.0.0.1:${net.basePort + 3}`]);
    const state = await waitFor(
      async () => {
        const page = (await (await fetch(`${dashboard.url}api/state`)).json()) as PageState;
        const up = page.topology.nodes.filter((node) => node.status === 'up').map((node) => node.id);
        return up.length === 6 ? page : undefined;
      },
      { timeoutMs: 30_000, what: 'all six members up on the page' },
    );
    expect(state.network?.description).toBe(`members of 127.0.0.1:${net.basePort + 3}`);
    const sent = await fetch(`${dashboard.url}api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ node: 5, text: 'from the page' }),
    });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ node: 5, id: expect.stringMatching(/^from the page_\d+$/) });
  });
});
