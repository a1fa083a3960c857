// Carries out the nemesis's steps on the real network, one at a time: signals to node processes by pid
// (SIGKILL, SIGSTOP, SIGCONT), restart-node, remove-node and add-node through the launcher, partitions and
// link faults through the nodes' administrative requests. A step that fails is recorded with its error
// and the run goes on. At the end it heals everything it did.

import { setLinkFault, setPartition } from '../client/node-client.js';
import type { HomePaths } from '../network/home.js';
import { cliAuth, networkKey } from '../network/network-key.js';
import { addNode, restartNode } from '../network/node-ops.js';
import { isAlive } from '../network/processes.js';
import { removeNode } from '../network/remove-node.js';
import { type NetworkState, type NodeEntry, requireState } from '../network/state.js';
import type { ChaosCluster } from './cluster.js';
import { type FaultsInForce, requestsFor } from './fault-state.js';
import type { HistoryRecord, NemesisStep } from './history.js';
import type { ChaosObserver } from './observer.js';
import { describeStep } from './schedule.js';

/** How long a SIGKILLed process may take to be gone. */
const KILL_WAIT_MS = 3_000;

export class Nemesis {
  private inForce: FaultsInForce = {};

  constructor(
    private readonly paths: HomePaths,
    private readonly cluster: ChaosCluster,
    private readonly observer: ChaosObserver,
    private readonly record: (record: HistoryRecord) => void,
    /** The fault the network's links had before the run (`clear` for none): what a lift goes back to. */
    private readonly base: string,
  ) {}

  async apply(step: NemesisStep): Promise<void> {
    const atMs = Date.now();
    let error: string | undefined;
    try {
      error = await this.carryOut(step);
    } catch (failure) {
      error = (failure as Error).message;
    }
    const description = describeStep(step);
    this.record({ type: 'nemesis', atMs, step, description, ...(error === undefined ? {} : { error }) });
  }

  /** Continues stopped nodes, restarts killed ones, and clears every fault and partition on every node. */
  async healAll(): Promise<string | undefined> {
    this.inForce = {};
    const problems: string[] = [];
    const note = (problem: string | undefined): void => {
      if (problem !== undefined) problems.push(problem);
    };
    for (const entry of this.cluster.withStatus('stopped')) note(await this.continueNode(entry.id));
    for (const entry of this.cluster.withStatus('killed')) {
      note(await this.restart(entry.id).catch((error: Error) => `node ${entry.id}: ${error.message}`));
    }
    const state = await requireState(this.paths);
    problems.push(...(await this.sendFaults(state, this.cluster.up())));
    return problems.length === 0 ? undefined : problems.join('; ');
  }

  private async carryOut(step: NemesisStep): Promise<string | undefined> {
    const node = step.nodes[0] ?? 0;
    const inject = step.action === 'inject';
    const state = await requireState(this.paths);
    switch (step.kind) {
      case 'kill':
        return inject ? this.kill(node) : this.restart(node);
      case 'stop':
        return inject ? this.signal(node, 'SIGSTOP', 'stopped') : this.continueNode(node);
      case 'partition':
        this.inForce.groups = inject ? step.groups : undefined;
        return this.problems(await this.sendFaults(state, this.cluster.up()));
      case 'loss':
      case 'delay':
        this.inForce.link = inject
          ? { spec: step.spec ?? 'clear', everyLink: step.everyLink === true, nodes: step.nodes }
          : undefined;
        return this.problems(await this.sendFaults(state, this.cluster.up()));
      case 'remove':
        return this.remove(state, node);
      case 'restart':
        return this.restart(node);
      case 'add':
        return this.add(state, node);
    }
  }

  private async kill(id: number): Promise<string | undefined> {
    const problem = this.signal(id, 'SIGKILL', 'killed');
    if (problem !== undefined) return problem;
    const pid = this.cluster.get(id)?.entry.pid ?? 0;
    for (const deadline = Date.now() + KILL_WAIT_MS; isAlive(pid) && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 10));
    return undefined;
  }

  /** Sends a signal to an up node's process and records what it did. */
  private signal(
    id: number,
    signal: 'SIGKILL' | 'SIGSTOP',
    status: 'killed' | 'stopped',
  ): string | undefined {
    const node = this.cluster.get(id);
    if (node?.status !== 'up') return `node ${id} is not up (${node?.status ?? 'unknown'})`;
    // Marked first, so the liveness watch never takes the nemesis's own kill for a death.
    this.cluster.setStatus(id, status);
    process.kill(node.entry.pid, signal);
    this.record({ type: 'process', atMs: Date.now(), node: id, pid: node.entry.pid, event: status });
    return undefined;
  }

  private async continueNode(id: number): Promise<string | undefined> {
    const node = this.cluster.get(id);
    if (node?.status !== 'stopped') return `node ${id} is not stopped (${node?.status ?? 'unknown'})`;
    process.kill(node.entry.pid, 'SIGCONT');
    this.cluster.setStatus(id, 'up');
    this.record({ type: 'process', atMs: Date.now(), node: id, pid: node.entry.pid, event: 'continued' });
    // It missed whatever faults came or went while it was stopped.
    return this.problems(await this.sendFaults(await requireState(this.paths), [node.entry]));
  }

  /** restart-node of a killed or removed node, then the faults in force. */
  private async restart(id: number): Promise<string | undefined> {
    const node = this.cluster.get(id);
    if (node?.status !== 'killed' && node?.status !== 'removed')
      return `node ${id} is neither killed nor removed (${node?.status ?? 'unknown'})`;
    const state = await requireState(this.paths);
    const entry = state.nodes.find((candidate) => candidate.id === id);
    if (entry === undefined) return `node ${id} is not in the state file`;
    return this.started(state, await restartNode(this.paths, state, entry));
  }

  private async remove(state: NetworkState, id: number): Promise<string | undefined> {
    const node = this.cluster.get(id);
    const entry = state.nodes.find((candidate) => candidate.id === id);
    if (node?.status !== 'up' || entry === undefined || entry.removed) return `node ${id} is not up`;
    this.cluster.setStatus(id, 'removed');
    this.observer.unfollow(id);
    this.record({ type: 'process', atMs: Date.now(), node: id, pid: entry.pid, event: 'removed' });
    const { refusals } = await removeNode(this.paths, state, entry);
    return refusals.length === 0 ? undefined : refusals.join('; ');
  }

  private async add(state: NetworkState, planned: number): Promise<string | undefined> {
    const entry = await addNode(this.paths, state);
    const problem = await this.started(state, entry);
    const renamed =
      entry.id === planned ? undefined : `the schedule planned node ${planned}, it is ${entry.id}`;
    return [renamed, problem].filter((text) => text !== undefined).join('; ') || undefined;
  }

  /** A node runs again (restarted or added): watched, recorded, told the faults in force. */
  private async started(state: NetworkState, entry: NodeEntry): Promise<string | undefined> {
    this.cluster.started(entry);
    this.observer.follow(entry);
    this.record({ type: 'process', atMs: Date.now(), node: entry.id, pid: entry.pid, event: 'started' });
    return this.problems(await this.sendFaults(state, [entry]));
  }

  /** Tells each node its partition cut and link faults as they now are; returns what failed. */
  private async sendFaults(state: NetworkState, nodes: readonly NodeEntry[]): Promise<string[]> {
    const key = networkKey(state);
    const failures = await Promise.all(
      nodes.map(async (node) => {
        const auth = cliAuth(key, node.id);
        const { cut, faults } = requestsFor(node.id, this.inForce, this.base);
        try {
          await setPartition(node, cut, auth);
          for (const { target, spec } of faults) await setLinkFault(node, target, spec, auth);
          return undefined;
        } catch (error) {
          return `node ${node.id}: ${(error as Error).message}`;
        }
      }),
    );
    return failures.filter((failure) => failure !== undefined);
  }

  private problems(list: readonly string[]): string | undefined {
    return list.length === 0 ? undefined : list.join('; ');
  }
}
