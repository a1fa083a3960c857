// A CLI-started network for end-to-end tests: its own home and ports, always stopped afterwards.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gossip, gossipJson } from './cli.js';
import { allocatePortRange } from './ports.js';

export interface TestNetwork {
  home: string;
  basePort: number;
  edges: Array<[number, number]>;
  nodes: Array<{ id: number; pid: number; port: number; peers: number[] }>;
}

export class NetworkPool {
  private readonly homes: string[] = [];

  async home(): Promise<string> {
    const home = await mkdtemp(path.join(os.tmpdir(), 'gossip-home-'));
    this.homes.push(home);
    return home;
  }

  /** `ports`: how many ports after the base port to reserve, when the test starts more nodes there later. */
  async start(args: string[] = [], n = 16, { ports = n } = {}): Promise<TestNetwork> {
    return this.startIn(await this.home(), args, n, { ports });
  }

  /**
   * Starts a network in a home from home() (a test may put files there first, e.g. a key), on ports from
   * basePort + 1 (default: a free range of `ports`, at least n).
   */
  async startIn(
    home: string,
    args: string[] = [],
    n = 16,
    { ports = n, basePort }: { ports?: number; basePort?: number } = {},
  ): Promise<TestNetwork> {
    basePort ??= await allocatePortRange(Math.max(n, ports));
    const state = await gossipJson<{
      topology: { edges: Array<[number, number]> };
      nodes: Array<{ id: number; pid: number; port: number; peers: number[] }>;
    }>(['start-network', ...args, '-n', String(n), '--base-port', String(basePort)], home);
    return { home, basePort, edges: state.topology.edges, nodes: state.nodes };
  }

  /** Stops every network this pool started (stop-network kills by pid) and removes the homes. */
  async cleanup(): Promise<void> {
    for (const home of this.homes.splice(0)) {
      await gossip(['stop-network'], home);
      await rm(home, { recursive: true, force: true });
    }
  }
}

export function neighbours(edges: ReadonlyArray<readonly [number, number]>): Map<number, Set<number>> {
  const map = new Map<number, Set<number>>();
  for (const [a, b] of edges) {
    map.set(a, (map.get(a) ?? new Set()).add(b));
    map.set(b, (map.get(b) ?? new Set()).add(a));
  }
  return map;
}

export function bfs(edges: ReadonlyArray<readonly [number, number]>, from: number): Map<number, number> {
  const adjacent = neighbours(edges);
  const distance = new Map([[from, 0]]);
  const queue = [from];
  for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
    for (const next of adjacent.get(at) ?? []) {
      if (!distance.has(next)) {
        distance.set(next, (distance.get(at) ?? 0) + 1);
        queue.push(next);
      }
    }
  }
  return distance;
}
