// `gossip start-network [random [<degree>] | circular | powerlaw | turan [<partitions>]] [-n <nn>] [-P] ...`

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { useClientTls } from '../../client/client-tls.js';
import { loadClusterKey } from '../../cluster-key.js';
import { GossipError } from '../../errors.js';
import { LOG_LEVELS } from '../../log.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { parseHosts } from '../../network/hosts.js';
import { clientTlsFiles } from '../../network/network-tls.js';
import { startNetwork } from '../../network/start-network.js';
import { describeFault, formatFaultSpec } from '../../protocol/fault-spec.js';
import { MAX_NODE_ID } from '../../protocol/limits.js';
import { loadTlsMaterial } from '../../tls/material.js';
import { clientTls } from '../../tls/secure-context.js';
import {
  describeTopology,
  generateTopology,
  TopologyError,
  type TopologySpec,
} from '../../topology/generators.js';
import type { Graph } from '../../topology/graph.js';
import { renderTopologySvg } from '../../topology/render-svg.js';
import { parseChoice, parseInteger, parseRelays, parseStrategy } from '../args.js';
import { faultFromOptions } from '../fault-options.js';
import { describeStrategy } from '../format/strategy.js';
import { printResult } from '../output.js';

const TOPOLOGIES = ['random', 'circular', 'powerlaw', 'turan'] as const;

export function topologySpec(kind: string, parameter: string | undefined): TopologySpec {
  const topology = parseChoice('the topology', kind, TOPOLOGIES);
  if (topology !== 'random' && topology !== 'turan' && parameter !== undefined) {
    throw new GossipError('GOSSIP_ERR_USAGE', `${topology} takes no parameter (got "${parameter}")`);
  }
  switch (topology) {
    case 'random':
      return { kind: 'random', degree: parseInteger('the degree', parameter ?? '3', 1, 999) };
    case 'turan':
      return {
        kind: 'turan',
        partitions: parseInteger('the number of partitions', parameter ?? '2', 1, 999),
      };
    case 'circular':
      return { kind: 'circular' };
    case 'powerlaw':
      return { kind: 'powerlaw', m: 3, p: 0.5 };
  }
}

export function buildGraph(spec: TopologySpec, n: number, seed: number, maxPeers: number): Graph {
  try {
    return generateTopology(spec, { n, seed, maxPeers });
  } catch (error) {
    if (error instanceof TopologyError)
      throw new GossipError('GOSSIP_ERR_TOPOLOGY', error.message, { cause: error });
    throw error;
  }
}

export async function startNetworkCommand(
  kind: string,
  parameter: string | undefined,
  options: Record<string, unknown>,
): Promise<void> {
  const spec = topologySpec(kind, parameter);
  const n = parseInteger('-n/--nodes', options.nodes, 2, 1000);
  const seed =
    options.seed === undefined
      ? Math.floor(Math.random() * 2 ** 31)
      : parseInteger('--seed', options.seed, 0, 2 ** 31 - 1);
  const maxPeers = parseInteger('--max-peers', options.maxPeers, 1, MAX_NODE_ID);
  const basePort = parseInteger('--base-port', options.basePort, 1, 65_534);
  const relays = parseRelays(options.relays);
  const logLevel = parseChoice('--log-level', options.logLevel, LOG_LEVELS);
  const host = String(options.host);
  const hosts = options.hosts === undefined ? undefined : parseHosts(String(options.hosts));
  const port = parseInteger('--port', options.port, 1, 65_535);
  const clusterKeyFile =
    typeof options.clusterKeyFile === 'string' ? path.resolve(options.clusterKeyFile) : undefined;
  // A missing, short or doubly given key is refused here, before any node is started.
  const key = loadClusterKey({ file: clusterKeyFile, value: process.env.GOSSIP_CLUSTER_KEY });
  const strategy = parseStrategy(options);
  const startFault = faultFromOptions(options);
  const metricsBasePort =
    options.metricsBasePort === undefined
      ? undefined
      : parseInteger('--metrics-base-port', options.metricsBasePort, 1, 65_534);
  const graph = buildGraph(spec, n, seed, maxPeers);
  const description = describeTopology(spec);
  const paths = homePaths(resolveHome(options.home));
  const json = options.json === true;
  const began = performance.now();
  const state = await startNetwork(paths, {
    graph,
    description,
    seed,
    maxPeers,
    basePort,
    host,
    hosts,
    port,
    relays,
    logLevel,
    clusterKeyFile,
    insecure: options.insecure === true,
    // The readiness checks and every later command dial with the CLI's certificate.
    tls:
      options.tls === true
        ? (made) => useClientTls(clientTls(loadTlsMaterial(clientTlsFiles(made))))
        : undefined,
    strategy,
    faults: startFault === undefined ? undefined : formatFaultSpec(startFault),
    metricsBasePort,
    onProgress: json ? undefined : progressPrinter(n),
  });
  const seconds = (performance.now() - began) / 1000;
  let plot: string | undefined;
  if (options.plot === true) {
    plot = paths.plotFile;
    await writeFile(plot, renderTopologySvg(graph, { title: `gossip: ${description}, ${n} nodes`, seed }));
  }
  const first = state.nodes[0];
  const last = state.nodes[state.nodes.length - 1];
  const human = [
    `Started ${n} nodes (${description}, seed ${seed}) in ${seconds.toFixed(2)} s`,
    `  nodes:     Gossip-Node-1 ... Gossip-Node-${n}`,
    `  edges:     ${graph.edges.length} (max ${maxPeers} peers per node)`,
    `  diameter:  ${state.topology.diameter ?? 'disconnected'}`,
    hosts === undefined
      ? `  addresses: ${host}:${first?.port}-${last?.port}`
      : `  addresses: ${first?.host}-${last?.host}, all on port ${port}`,
    `  relays:    ${relays}`,
    `  security:  ${describeSecurity(key !== undefined, clusterKeyFile, options.insecure === true, state.tls !== undefined)}`,
    ...(state.tls === undefined
      ? []
      : [
          `  tls:       mutual TLS, certificates of the cluster CA in ${state.tls.dir} (the CLI uses client.crt)`,
        ]),
    `  strategy:  ${describeStrategy(strategy)}`,
    ...(startFault === undefined
      ? []
      : [`  faults:    every link: ${describeFault(startFault)} (gossip faults, gossip heal)`]),
    ...(metricsBasePort === undefined
      ? []
      : [
          hosts === undefined
            ? `  metrics:   ${host}:${first?.metricsPort}-${last?.metricsPort}, GET /metrics (Prometheus)`
            : `  metrics:   ${first?.host}:${first?.metricsPort} ... ${last?.host}:${last?.metricsPort}, GET /metrics (Prometheus)`,
        ]),
    `  logs:      ${paths.logsDir}/node-<N>.log (or: gossip logs <N>)`,
    `  state:     ${paths.stateFile}`,
    ...(plot === undefined ? [] : [`  plot:      ${plot}`]),
    'Next: gossip send-message 1 "Hello World"; gossip get-messages 2; gossip stop-network',
  ].join('\n');
  printResult(options as { json?: boolean }, human, {
    ...state,
    home: paths.home,
    plot: plot ?? null,
    seconds,
  });
}

function progressPrinter(total: number): (ready: number, all: number) => void {
  if (process.stderr.isTTY !== true) {
    process.stderr.write(`Starting ${total} nodes...\n`);
    return () => {};
  }
  return (ready, all) => {
    process.stderr.write(`\rStarting ${all} nodes: ${ready}/${all} answering`);
    if (ready === all) process.stderr.write('\n');
  };
}

function describeSecurity(
  keyed: boolean,
  keyFile: string | undefined,
  insecure: boolean,
  tls: boolean,
): string {
  if (keyed) return `cluster key from ${keyFile ?? 'GOSSIP_CLUSTER_KEY'}`;
  if (tls) return 'no cluster key: only holders of a certificate of the cluster CA get a connection (TLS)';
  if (insecure)
    return 'no cluster key, --insecure: anyone who reaches a node can relay to it and remove its peers';
  return 'no cluster key: nodes listen on loopback only (see --cluster-key-file)';
}
