// The CLI's promises about processes and health, on real networks: stop-network signals only the nodes it
// started (a recorded pid that now belongs to someone else is left alone), and `gossip health` exits 0 only
// for a node that answers its health check, with the README's exit code for each way it does not.

import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { gossip, gossipJson } from '../helpers/cli.js';
import { DaemonPool } from '../helpers/daemons.js';
import { NetworkPool } from '../helpers/network.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';

const networks = new NetworkPool();
const daemons = new DaemonPool();
const strangers: Array<{ kill(signal: NodeJS.Signals): void; done: Promise<unknown> }> = [];
afterEach(async () => {
  for (const stranger of strangers.splice(0)) {
    stranger.kill('SIGKILL');
    await stranger.done;
  }
  await daemons.cleanup();
  await networks.cleanup();
});

/** Running, and not a zombie: a process that got SIGTERM or SIGKILL is at least a zombie by now. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

async function killAndWait(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await waitFor(async () => !(await running(pid)), { what: `process ${pid} to die` });
}

describe('stop-network', () => {
  it('never signals a process whose pid the state records but that is not that node', async () => {
    const network = await networks.start(['circular', '--seed', '1'], 4);
    const [, two, three] = network.nodes;
    if (two === undefined || three === undefined) throw new Error('no nodes 2 and 3');
    // Nodes 2 and 3 die, and their pids go to strangers, as recycled pids would: a harmless `sleep`, and
    // another network's node 3 (a gossip node with the same id, on another port).
    await killAndWait(two.pid);
    await killAndWait(three.pid);
    const sleeper = execa('sleep', ['300'], { reject: false });
    strangers.push({ kill: (signal) => sleeper.kill(signal), done: sleeper });
    const port = (await allocatePortRange(1)) + 1;
    await daemons.start({ id: 3, port, peers: [] });
    const otherPid = ((await askLine(port, '/HEALTH:')) as { pid: number }).pid;
    const stateFile = `${network.home}/network.json`;
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as {
      nodes: Array<{ id: number; pid: number }>;
    };
    for (const node of state.nodes) {
      if (node.id === 2) node.pid = sleeper.pid ?? 0;
      if (node.id === 3) node.pid = otherPid;
    }
    await writeFile(stateFile, JSON.stringify(state));

    const stopped = await gossipJson<{ stopped: number[] }>(['stop-network'], network.home);
    expect(stopped.stopped.sort()).toEqual([1, 4]);
    // Once stop-network is done, every process it signalled is gone; the strangers are untouched.
    expect(await running(sleeper.pid ?? 0)).toBe(true);
    expect(await askLine(port, '/HEALTH:')).toMatchObject({ ok: true, node: 3, pid: otherPid });
    for (const node of [network.nodes[0], network.nodes[3]])
      expect(await running(node?.pid ?? 0)).toBe(false);
    expect((await gossip(['status'], network.home)).exitCode).toBe(3);
  });
});

describe('gossip health', () => {
  it('exits 0 for a healthy node, and with the documented code for a dead, removed, hung or wrong one', async () => {
    const network = await networks.start(['circular', '--seed', '2'], 5);
    const healthy = await gossip(['health', '1'], network.home);
    expect(healthy.exitCode).toBe(0);
    expect(healthy.stdout).toMatch(/^Gossip-Node-1 is healthy: 2\/2 links up, up \d+s$/);
    expect(await gossipJson(['health', '1'], network.home)).toMatchObject({ ok: true, node: 1 });

    // Exit codes from the README's table: 5 down, removed or unreachable; 6 timed out; 8 not the protocol.
    await killAndWait(network.nodes[1]?.pid ?? 0);
    const dead = await gossip(['health', '2'], network.home);
    expect(dead.exitCode).toBe(5);
    expect(dead.stderr).toMatch(
      /^error: Gossip-Node-2 is down \(.*connection refused.*\); see: gossip logs 2$/,
    );

    expect((await gossip(['remove-node', '3'], network.home)).exitCode).toBe(0);
    const removed = await gossip(['health', '3'], network.home);
    expect(removed.exitCode).toBe(5);
    expect(removed.stderr).toBe('error: Gossip-Node-3 was removed from the network');

    // A hung node still accepts connections (the kernel does) but never answers.
    const hung = network.nodes[3]?.pid ?? 0;
    process.kill(hung, 'SIGSTOP');
    try {
      const stuck = await gossip(['health', '4'], network.home);
      expect(stuck.exitCode).toBe(6);
      expect(stuck.stderr).toMatch(/^error: no reply from .*:\d+ within 2000 ms/);
    } finally {
      process.kill(hung, 'SIGCONT');
    }

    const nobody = (await allocatePortRange(1)) + 1;
    const unreachable = await gossip(['health', `127.0.0.1:${nobody}`], network.home);
    expect(unreachable.exitCode).toBe(5);
    expect(unreachable.stderr).toMatch(/connection refused/);

    // Something that answers in the health reply's shape, but not healthy.
    const impostor = net.createServer((socket) => {
      socket.resume(); // read the request, so the client's close reaches us
      socket.end('{"ok":false,"node":9,"pid":1,"uptimeMs":5,"links":{"up":0,"total":3}}\n');
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = impostor.address() as net.AddressInfo;
      const wrong = await gossip(['health', `127.0.0.1:${port}`], network.home);
      expect(wrong.exitCode).toBe(8);
      expect(wrong.stderr).toMatch(/^error: 127\.0\.0\.1:\d+ sent an unexpected reply/);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });
});
