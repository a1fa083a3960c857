// Waits until freshly spawned nodes answer their health check with every link up, and turns an early
// exit into an error that says why (read from the node's own output).

import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchHealth } from '../client/node-client.js';
import { GossipError } from '../errors.js';
import type { NodeLaunch, SpawnedNode } from './spawn-node.js';

/** Time allowed for every node to answer, on top of a per-node allowance. */
const READY_TIMEOUT_BASE_MS = 10_000;
const READY_TIMEOUT_PER_NODE_MS = 250;
const READY_POLL_MS = 15;

export async function waitUntilReady(
  launches: readonly NodeLaunch[],
  spawned: ReadonlyMap<number, SpawnedNode>,
  onProgress: ((ready: number, total: number) => void) | undefined,
  /** A new network waits for every link; a node restarted into a damaged one may have peers still down. */
  {
    linksUp = true,
    timeoutMs = READY_TIMEOUT_BASE_MS + READY_TIMEOUT_PER_NODE_MS * launches.length,
  }: { linksUp?: boolean; timeoutMs?: number | undefined } = {},
): Promise<void> {
  const failures: Array<{ launch: NodeLaunch; exitCode: number | undefined }> = [];
  for (const launch of launches) {
    void spawned.get(launch.id)?.exited.then(({ exitCode }) => failures.push({ launch, exitCode }));
  }
  const pending = new Set(launches);
  const deadline = Date.now() + timeoutMs;
  onProgress?.(0, launches.length);
  while (pending.size > 0) {
    const failed = failures[0];
    if (failed !== undefined) throw await startFailure(failed.launch, failed.exitCode);
    if (Date.now() > deadline) {
      const ids = [...pending].map((launch) => launch.id).join(', ');
      throw new GossipError(
        'GOSSIP_ERR_START_FAILED',
        `nodes ${ids} did not answer with all links up in time; see their logs`,
      );
    }
    await Promise.all(
      [...pending].map(async (launch) => {
        try {
          const health = await fetchHealth(launch, 250);
          if (!linksUp || health.links.up === health.links.total) pending.delete(launch);
        } catch {
          // Not listening yet.
        }
      }),
    );
    onProgress?.(launches.length - pending.size, launches.length);
    // About one check per pending node per millisecond at most: polling 256 starting nodes every 15 ms would
    // cost them (and this CLI) more CPU than starting up does.
    if (pending.size > 0) await sleep(Math.max(READY_POLL_MS, pending.size));
  }
}

async function startFailure(launch: NodeLaunch, exitCode: number | undefined): Promise<GossipError> {
  const output = await readFile(launch.outputFile, 'utf8').catch(() => '');
  const reason = /^error: (.*)$/m.exec(output)?.[1] ?? `exited with code ${exitCode ?? 'unknown'}`;
  const code = /already in use/.test(reason) ? 'GOSSIP_ERR_PORT_IN_USE' : 'GOSSIP_ERR_START_FAILED';
  return new GossipError(
    code,
    `Gossip-Node-${launch.id} could not start: ${reason} (output: ${launch.outputFile})`,
  );
}
