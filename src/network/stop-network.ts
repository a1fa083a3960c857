// Stops every node of a network (SIGTERM, then SIGKILL after a grace period) and clears its state.

import { rm } from 'node:fs/promises';
import type { HomePaths } from './home.js';
import { isOurNode, terminate } from './processes.js';
import { readState, removeState } from './state.js';

export interface StopSummary {
  wasRunning: boolean;
  stopped: number[];
  killed: number[];
}

export async function stopNetwork(paths: HomePaths): Promise<StopSummary> {
  const state = await readState(paths);
  if (state === undefined) return { wasRunning: false, stopped: [], killed: [] };
  const ours = await Promise.all(
    state.nodes.map(async (node) => ((await isOurNode(node.pid, node.id, node.port)) ? node : undefined)),
  );
  const running = ours.filter((node) => node !== undefined);
  const { killed } = await terminate(running.map((node) => node.pid));
  await removeState(paths);
  await rm(paths.dataDir, { recursive: true, force: true });
  return {
    wasRunning: true,
    stopped: running.map((node) => node.id),
    killed: running.filter((node) => killed.includes(node.pid)).map((node) => node.id),
  };
}
