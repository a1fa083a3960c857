// `gossip faults [--json]`: what is in force, per link and direction, and the partition, as the nodes say.

import { collectFaults, type NodeFaults } from '../../network/faults.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { requireState } from '../../network/state.js';
import { describeFault, isNoFault } from '../../protocol/fault-spec.js';
import { formatIds } from '../format/ids.js';
import { renderTable } from '../format/table.js';
import { printResult } from '../output.js';

const NOTE =
  "Faults live in the nodes' memory: a node that restarts has none but what the network was started with.";

export async function faultsCommand(options: Record<string, unknown>): Promise<void> {
  const state = await requireState(homePaths(resolveHome(options.home)));
  const { done, unreachable } = await collectFaults(state);
  const nodes = [...done].sort((a, b) => a.node - b.node);
  const rows = linkRows(nodes);
  const groups = partitionGroups(nodes);
  const human = (): string =>
    [
      rows.length === 0 ? 'No link faults.' : renderTable(['FROM', 'TO', 'FAULT'], rows),
      groups.length > 1
        ? `Partition: ${groups.map((group) => `{${formatIds(group)}}`).join(' | ')}`
        : 'No partition.',
      ...(unreachable.length > 0 ? [`Not reached: ${formatIds(unreachable)}`] : []),
      NOTE,
    ].join('\n');
  printResult(options as { json?: boolean }, human, { nodes, partition: groups, unreachable, note: NOTE });
}

/** One row per faulted direction: a link's own fault, and a node's fault on every other link. */
function linkRows(nodes: readonly NodeFaults[]): string[][] {
  return nodes.flatMap((node) => {
    const everyLink = isNoFault(node.all)
      ? []
      : [[String(node.node), '* (every link)', describeFault(node.all)]];
    return [
      ...node.links.map((link) => [String(node.node), String(link.peer), link.description]),
      ...everyLink,
    ];
  });
}

/** Nodes cut off from the same others are on the same side. */
function partitionGroups(nodes: readonly NodeFaults[]): number[][] {
  const sides = new Map<string, number[]>();
  for (const node of nodes) {
    const key = node.cut.join(',');
    sides.set(key, [...(sides.get(key) ?? []), node.node]);
  }
  return [...sides.values()];
}
