// `gossip experiment --loss --fail`: the lines are really lost on every link, the failed nodes are really
// stopped (never origins, never reached), coverage counts the live nodes, the theory follows the conditions,
// and nothing of the experiment's network is left running.

import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelRounds } from '../../src/experiment/theory.js';
import { gossipJson } from '../helpers/cli.js';
import { allocatePortRange } from '../helpers/ports.js';

const N = 16;

interface Result {
  n: number;
  failed: number[];
  conditions: { lossPercent: number; failFraction: number };
  perMessage: Array<{ origin: number; reached: number; residue: number }>;
  aggregate: { counters: Record<string, number>; residue: number };
  theory: { modelRounds: number };
}

/** Whether anything still listens on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('gossip experiment on a bad network', () => {
  it('loses lines on every link, stops a quarter of the nodes, and counts coverage among the live ones', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gossip-exp-faults-'));
    try {
      const basePort = await allocatePortRange(N);
      const args = `experiment --strategy pull -n ${N} --messages 2 --round-ms 50`.split(' ');
      const { results } = await gossipJson<{ results: Result[] }>(
        [...args, '--base-port', String(basePort), '--seed', '4', '--loss', '20', '--fail', '0.25'],
        dir,
      );
      const [result] = results;
      if (result === undefined) throw new Error('no result');
      expect(result.conditions).toMatchObject({ lossPercent: 20, failFraction: 0.25 });
      expect(result.failed).toHaveLength(4);
      for (const message of result.perMessage) {
        expect(result.failed).not.toContain(message.origin);
        // Pull goes on until every live node has it; no failed node ever does.
        expect(message.reached).toBe(N - 4);
        expect(message.residue).toBe(0);
      }
      expect(result.aggregate.counters.linesLost).toBeGreaterThan(0);
      // Every node process is gone, the stopped ones too.
      const ports = Array.from({ length: N }, (_, index) => basePort + index + 1);
      expect((await Promise.all(ports.map(listening))).some(Boolean)).toBe(false);
      // The model expects more rounds than on a perfect network.
      expect(result.theory.modelRounds).toBeGreaterThan(
        modelRounds('pull', N, 2) ?? Number.POSITIVE_INFINITY,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
