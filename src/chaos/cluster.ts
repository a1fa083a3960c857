// What the chaos runner knows of each node while it breaks them: its state-file entry (address, pid) and
// what the nemesis did to it. The workload sends only to nodes that are up; the liveness watch expects a
// process only where one should run; the heal knows whom to continue and whom to restart.

import type { NodeEntry } from '../network/state.js';

/** up; killed or stopped by the nemesis; removed for good; or dead without the nemesis (a violation). */
export type NodeStatus = 'up' | 'killed' | 'stopped' | 'removed' | 'dead';

export interface ClusterNode {
  entry: NodeEntry;
  status: NodeStatus;
}

export class ChaosCluster {
  private readonly nodes = new Map<number, ClusterNode>();

  constructor(entries: readonly NodeEntry[]) {
    for (const entry of entries) this.nodes.set(entry.id, { entry, status: 'up' });
  }

  get(id: number): ClusterNode | undefined {
    return this.nodes.get(id);
  }

  /** A node (re)started: its new entry, up. */
  started(entry: NodeEntry): void {
    this.nodes.set(entry.id, { entry, status: 'up' });
  }

  setStatus(id: number, status: NodeStatus): void {
    const node = this.nodes.get(id);
    if (node !== undefined) node.status = status;
  }

  list(): ClusterNode[] {
    return [...this.nodes.values()].sort((a, b) => a.entry.id - b.entry.id);
  }

  withStatus(...statuses: NodeStatus[]): NodeEntry[] {
    return this.list()
      .filter((node) => statuses.includes(node.status))
      .map((node) => node.entry);
  }

  up(): NodeEntry[] {
    return this.withStatus('up');
  }
}
