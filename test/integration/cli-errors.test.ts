// What a user sees when something is wrong: a clear message, a documented exit code, no stack trace.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { gossip } from '../helpers/cli.js';
import { NetworkPool } from '../helpers/network.js';
import { allocatePortRange } from '../helpers/ports.js';

const pool = new NetworkPool();
afterEach(() => pool.cleanup());

function expectCleanError(
  result: { exitCode: number; stderr: string },
  exitCode: number,
  message: RegExp,
): void {
  expect(result.exitCode).toBe(exitCode);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('without a network', () => {
  it('explains how to start one', async () => {
    const home = await pool.home();
    for (const args of [
      ['send-message', '1', 'hi'],
      ['get-messages', '3'],
      ['list-peers', '2'],
      ['status'],
      ['remove-node', '4'],
    ]) {
      expectCleanError(
        await gossip(args, home),
        3,
        /^error: no network is running .*start one with: gossip start-network/,
      );
    }
    const stop = await gossip(['stop-network'], home);
    expect(stop.exitCode).toBe(0);
  });

  it('reports a node given as host:port that nothing listens on', async () => {
    const home = await pool.home();
    const port = (await allocatePortRange(1)) + 1;
    expectCleanError(
      await gossip(['send-message', `127.0.0.1:${port}`, 'hi'], home),
      5,
      /connection refused/,
    );
  });

  it('reports a damaged state file', async () => {
    const home = await pool.home();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${home}/network.json`, '{"version": 1, "nodes": "oops"}');
    expectCleanError(await gossip(['status'], home), 10, /state file .* is damaged/);
  });
});

describe('bad arguments', () => {
  it.each([
    [['start-network', 'random', '4'], 2, /random 4 gives every node 4 peers, above --max-peers 3/],
    [['start-network', '-n', '15'], 2, /15 nodes x 3 peers = 45 is odd/],
    [['start-network', 'random', '3', '-n', '3'], 2, /needs more than 3 nodes/],
    [['start-network', 'turan', '2'], 2, /turan 2 gives nodes 8 peers, above --max-peers 3/],
    [['start-network', 'mesh'], 2, /the topology must be one of random, circular, powerlaw, turan/],
    [['start-network', '-n', 'many'], 2, /-n\/--nodes must be a whole number/],
    [['start-network', '--relays', '0'], 2, /--relays must be a whole number from 1 to 16/],
    [['get-messages', '1', 'sometimes'], 2, /the filter must be one of unread, read, all/],
    [['get-messages', '1', '-p', '-A'], 2, /use either -p\/-pp\/-ppp or -A/],
    [['send-message', 'node-one', 'hi'], 2, /"node-one" is not a node/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
    [['send-message', '1'], 2, /missing required argument 'message'/],
  ])('gossip %j fails with exit %i', async (args, exitCode, message) => {
    expectCleanError(await gossip(args, await pool.home()), exitCode, message);
  });
});

describe('with a network', () => {
  it('refuses a second start, unknown nodes, removed nodes and bad message texts', async () => {
    const network = await pool.start(['--seed', '3'], 6);
    expectCleanError(
      await gossip(['start-network', '-n', '6', '--base-port', String(network.basePort + 100)], network.home),
      3,
      /a network is already running .*gossip stop-network/,
    );
    expectCleanError(
      await gossip(['get-messages', '7'], network.home),
      4,
      /there is no node 7 in this network \(nodes are 1-6\)/,
    );
    expectCleanError(await gossip(['send-message', '1', 'tab\there'], network.home), 2, /control characters/);
    expectCleanError(
      await gossip(['send-message', '1', '-r', '17', 'x'], network.home),
      2,
      /--relays must be/,
    );
    expect((await gossip(['remove-node', '2'], network.home)).exitCode).toBe(0);
    expectCleanError(
      await gossip(['remove-node', '2'], network.home),
      5,
      /Gossip-Node-2 was already removed/,
    );
    expectCleanError(await gossip(['send-message', '2', 'hi'], network.home), 5, /Gossip-Node-2 was removed/);
    const json = await gossip(['get-messages', '9', '--json'], network.home);
    expect(json.exitCode).toBe(4);
    expect(JSON.parse(json.stderr)).toMatchObject({ code: 'GOSSIP_ERR_UNKNOWN_NODE' });
  });

  it('names a taken port, starts nothing, and leaves no state behind', async () => {
    const home = await pool.home();
    const base = await allocatePortRange(4);
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(base + 3, '127.0.0.1', resolve));
    try {
      expectCleanError(
        await gossip(['start-network', 'circular', '-n', '4', '--base-port', String(base)], home),
        9,
        new RegExp(
          `127\\.0\\.0\\.1:${base + 3} \\(Gossip-Node-3\\) is already in use .*choose another --base-port`,
        ),
      );
      expectCleanError(await gossip(['status'], home), 3, /no network is running/);
    } finally {
      blocker.close();
    }
  });
});
