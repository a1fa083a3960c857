// `gossip status`: one row per node, from the state file and each node's /STATS.

import { fetchStats } from '../../client/node-client.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { isOurNode } from '../../network/processes.js';
import { type NodeEntry, requireState } from '../../network/state.js';
import { formatHostPort } from '../../protocol/address.js';
import type { StatsReply } from '../../protocol/replies.js';
import { describeStrategy } from '../format/strategy.js';
import { formatDuration, renderTable } from '../format/table.js';
import { printResult } from '../output.js';

export async function statusCommand(options: Record<string, unknown>): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const state = await requireState(paths);
  const rows = await Promise.all(
    state.nodes.map(async (node) => {
      const stats: StatsReply | undefined = node.removed
        ? undefined
        : await fetchStats(node, 1_000).catch(() => undefined);
      const running = !node.removed && (await isOurNode(node.pid, node.id, node.port));
      const condition = node.removed
        ? 'removed'
        : stats !== undefined
          ? 'up'
          : running
            ? 'unresponsive'
            : 'down';
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
      `Network in ${paths.home}: ${up}/${state.nodes.length} nodes up (${state.topology.description}, seed ${state.topology.seed}${strategyNote})`,
      '',
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
          String(node.pid),
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
      messages: stats?.messages ?? null,
      uptimeMs: stats?.uptimeMs ?? null,
      metrics: metricsOf(node) ?? null,
    })),
  });
}
