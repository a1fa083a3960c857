// A network partition on real daemons: 16 nodes on distinct loopback addresses inside a private network
// namespace, split 8/8 by nftables for 5 s (and until each side dropped its links to the other) while messages
// are submitted on both sides, then healed.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const runner = fileURLToPath(new URL('../helpers/partition-runner.mjs', import.meta.url));

interface PartitionResult {
  error?: string;
  accepted: number;
  converged: boolean;
  convergeMs: number;
  held: Record<string, number>;
  maxDegree: number;
  crossLinksDuringCut: number;
  crossLinksAfter: number;
}

function requireTool(tool: string, hint: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`]);
  } catch {
    throw new Error(`${tool} is needed for the partition test: ${hint}`);
  }
}

describe('a partition', () => {
  it('heals: every node ends up holding every message, and the overlay merges again under the cap', async () => {
    requireTool('unshare', 'apt-get install util-linux');
    requireTool('nft', 'apt-get install nftables (.ci/run does)');
    const run = await execa('unshare', ['-rn', process.execPath, runner, JSON.stringify({ seed: 5 })], {
      reject: false,
      timeout: 170_000,
    });
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as PartitionResult;
    expect(result.error).toBeUndefined();
    expect(result.accepted).toBe(20);
    // While split, each side had dropped its links to the other (failure detection) ...
    expect(result.crossLinksDuringCut).toBe(0);
    // ... and after healing, everything reached everyone, over links that cross the old split again.
    // (How fast is not this test's business: the runner allows a generous minute, and the time is printed.)
    expect(result.converged).toBe(true);
    expect(Object.values(result.held)).toEqual(Array(16).fill(20));
    expect(result.crossLinksAfter).toBeGreaterThan(0);
    expect(result.maxDegree).toBeLessThanOrEqual(3);
    process.stdout.write(`partition: every node held every message ${result.convergeMs} ms after healing\n`);
  }, 180_000);
});
