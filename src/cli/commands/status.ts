// `gossip status`: one row per node, from the state file (or the membership table of the node --via names)
// and each node's /STATS.

import { fetchMembers, fetchStats } from '../../client/node-client.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { parseVia, requireCluster } from '../../network/members-state.js';
import { isOurNode } from '../../network/processes.js';
import type { NodeEntry } from '../../network/state.js';
import { formatHostPort } from '../../protocol/address.js';
import { isNoFault } from '../../protocol/fault-spec.js';
import type { StatsReply } from '../../protocol/replies.js';
import { formatIds } from '../format/ids.js';
import { describeStrategy } from '../format/strategy.js';
import { formatDuration, renderTable } from '../format/table.js';
import { printResult } from '../output.js';

export async function statusCommand(options: Record<string, unknown>): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const via = parseVia(options.via);
  const state = await requireCluster(paths, via);
  // Seen through a member table, a node that does not answer is as its table says (suspect, dead).
  const told = via === undefined ? undefined : await fetchMembers(via).catch(() => undefined);
  const rows = await Promise.all(
    state.nodes.map(async (node) => {
      const stats: StatsReply | undefined = node.removed
        ? undefined
        : await fetchStats(node, 1_000).catch(() => undefined);
      const running = !node.removed && (await isOurNode(node.pid, node.id, node.port));
      const member = told?.members.find((candidate) => candidate.id === node.id);
      const condition = node.removed
        ? 'removed'
        : stats !== undefined
          ? 'up'
          : running
            ? 'unresponsive'
            : (member?.state ?? 'down');
      return { node, stats, condition };
    }),
  );
  const up = rows.filter((row) => row.condition === 'up').length;
  // The reference rule needs no note; a round-based strategy is named with its knobs.
  const strategyNote =
    state.strategy === undefined || state.strategy.name === 'flood'
      ? ''
      : `; strategy ${describeStrategy(state.strategy)}`;
  // A METRICS column only for a network that serves metrics (start-network --metrics-base-port).
  const metricsOf = (node: NodeEntry): string | undefined =>
    node.metricsPort === undefined
      ? undefined
      : `http://${formatHostPort(node.host, node.metricsPort)}/metrics`;
  const withMetrics = state.nodes.some((node) => node.metricsPort !== undefined);
  const human = (): string =>
    [
      via === undefined
        ? `Network in ${paths.home}: ${up}/${state.nodes.length} nodes up (${state.topology.description}, seed ${state.topology.seed}${strategyNote})`
        : `Cluster as ${formatHostPort(via.host, via.port)} knows it: ${up}/${state.nodes.length} members up`,
      '',
      ...faultsSummary(rows.map((row) => row.stats)),
      renderTable(
        [
          'NODE',
          'PID',
          'ADDRESS',
          'STATE',
          'PEERS',
          'MESSAGES',
          'UPTIME',
          ...(withMetrics ? ['METRICS'] : []),
        ],
        rows.map(({ node, stats, condition }) => [
          String(node.id),
          node.pid > 0 ? String(node.pid) : '-',
          `${node.host}:${node.port}`,
          condition,
          stats === undefined ? '-' : stats.peers.map((peer) => peer.id).join(',') || '(none)',
          stats === undefined ? '-' : String(stats.messages),
          stats === undefined ? '-' : formatDuration(stats.uptimeMs),
          ...(withMetrics ? [metricsOf(node) ?? '-'] : []),
        ]),
      ),
    ].join('\n');
  printResult(options as { json?: boolean }, human, {
    home: paths.home,
    topology: state.topology,
    strategy: state.strategy ?? { name: 'flood' },
    nodes: rows.map(({ node, stats, condition }) => ({
      id: node.id,
      pid: node.pid,
      address: `${node.host}:${node.port}`,
      state: condition,
      peers: stats?.peers ?? null,
      faults: stats?.faults ?? null,
      messages: stats?.messages ?? null,
      uptimeMs: stats?.uptimeMs ?? null,
      metrics: metricsOf(node) ?? null,
    })),
  });
}

/** A line on the faults in force (gossip link, partition), when there are any; `gossip faults` has them all. */
function faultsSummary(stats: ReadonlyArray<StatsReply | undefined>): string[] {
  let faulted = 0;
  const cut: number[] = [];
  for (const node of stats) {
    if (node?.faults === undefined) continue;
    faulted += node.faults.links.length + (isNoFault(node.faults.all) ? 0 : 1);
    if (node.faults.cut.length > 0) cut.push(node.node);
  }
  if (faulted === 0 && cut.length === 0) return [];
  const parts = [
    ...(faulted > 0 ? [`${faulted} faulted link direction(s) or every-link fault(s)`] : []),
    ...(cut.length > 0 ? [`nodes ${formatIds(cut)} partitioned`] : []),
  ];
  return [`Faults: ${parts.join('; ')} (see: gossip faults; lift them: gossip heal)`, ''];
}
