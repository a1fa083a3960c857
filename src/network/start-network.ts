// Starts a local network: one detached node process per graph vertex, wired as the graph says, then
// waits until every node answers. On any failure it stops what it started.

import { mkdir, rm } from 'node:fs/promises';
import { GossipError } from '../errors.js';
import type { StrategyConfig } from '../node/strategies/strategy-config.js';
import { adjacency, diameter, type Graph } from '../topology/graph.js';
import { type HomePaths, nodeDataDir, nodeLogFile, nodeOutputFile } from './home.js';
import { makeNetworkCertificates, type NetworkTls, nodeTlsFiles } from './network-tls.js';
import { findBusyAddresses } from './ports.js';
import { isOurNode, terminate } from './processes.js';
import { waitUntilReady } from './readiness.js';
import { type NodeLaunch, type SpawnedNode, spawnNode, toNodeEntry } from './spawn-node.js';
import { type NetworkState, readState, removeState, writeState } from './state.js';

export interface StartOptions {
  graph: Graph;
  description: string;
  seed: number;
  maxPeers: number;
  basePort: number;
  host: string;
  relays: number;
  logLevel: string;
  /** One address per node (all on `port`), as separate hosts would be; else all on `host`, node N on basePort + N. */
  hosts?: readonly string[] | undefined;
  port: number;
  /** Every node gets this cluster key file (absolute path); nodes and later commands authenticate with it. */
  clusterKeyFile?: string | undefined;
  /** Let nodes listen beyond loopback without a key. */
  insecure?: boolean | undefined;
  /**
   * Mutual TLS: a cluster CA and certificates for every node and the CLI are made in <home>/tls. Called
   * with them before the nodes are waited for, so the caller can dial with the client certificate.
   */
  tls?: ((tls: NetworkTls) => void) | undefined;
  /** The dissemination strategy every node runs; absent: flood (the reference rule). */
  strategy?: StrategyConfig | undefined;
  /** The fault every link starts with, as the wire spells it (start-network --delay ...). */
  faults?: string | undefined;
  /** Node N serves Prometheus metrics on its host, port metricsBasePort + N; absent: no metrics. */
  metricsBasePort?: number | undefined;
  /** How long to wait for every node to answer with its links up (default: 10 s + 250 ms per node). */
  readyTimeoutMs?: number | undefined;
  /** Called whenever another node answers its health check. */
  onProgress?: ((ready: number, total: number) => void) | undefined;
}

export async function startNetwork(paths: HomePaths, options: StartOptions): Promise<NetworkState> {
  await refuseIfRunning(paths);
  const { graph, basePort } = options;
  const ids = Array.from({ length: graph.n }, (_, index) => index + 1);
  const addressOf = addressing(options);
  const metricsPortOf = metricsPorts(options, addressOf);
  const addresses = ids.map((id) => ({ id, ...addressOf(id) }));
  const metricsAddresses = ids.flatMap((id) => {
    const port = metricsPortOf(id);
    return port === undefined ? [] : [{ id, host: addressOf(id).host, port }];
  });
  const busy = await findBusyAddresses([...addresses, ...metricsAddresses]);
  if (busy.length > 0) {
    const list = busy
      .map((address) => `${address.host}:${address.port} (Gossip-Node-${address.id})`)
      .join(', ');
    const fix =
      options.hosts === undefined ? 'choose another --base-port' : 'choose another --port or other --hosts';
    throw new GossipError(
      'GOSSIP_ERR_PORT_IN_USE',
      `${list} ${busy.length === 1 ? 'is' : 'are'} already in use or not a local address; stop what uses ${busy.length === 1 ? 'it' : 'them'} or ${fix}`,
      { details: { addresses: busy.map((address) => `${address.host}:${address.port}`) } },
    );
  }
  // A new network starts with empty data and logs (nodes append to their log files).
  await rm(paths.dataDir, { recursive: true, force: true });
  await rm(paths.logsDir, { recursive: true, force: true });
  await mkdir(paths.logsDir, { recursive: true });
  const tls =
    options.tls === undefined
      ? undefined
      : await makeNetworkCertificates(
          paths.tlsDir,
          addresses.map(({ id, host }) => ({ id, host })),
        );
  if (tls !== undefined) options.tls?.(tls);
  const neighbours = adjacency(graph);
  const launches: NodeLaunch[] = ids.map((id) => ({
    id,
    ...addressOf(id),
    peers: (neighbours.get(id) ?? []).map((peer) => ({ id: peer, ...addressOf(peer) })),
    logFile: nodeLogFile(paths, id),
    outputFile: nodeOutputFile(paths, id),
    dataDir: nodeDataDir(paths, id),
    logLevel: options.logLevel,
    maxPeers: options.maxPeers,
    join: [],
    clusterKeyFile: options.clusterKeyFile,
    insecure: options.insecure === true,
    tls: tls === undefined ? undefined : nodeTlsFiles(tls, id),
    strategy: options.strategy,
    faults: options.faults,
    metricsPort: metricsPortOf(id),
  }));
  const spawned = new Map<number, SpawnedNode>();
  try {
    for (const launch of launches) spawned.set(launch.id, spawnNode(launch));
    await waitUntilReady(launches, spawned, options.onProgress, { timeoutMs: options.readyTimeoutMs });
  } catch (error) {
    await terminate([...spawned.values()].map((node) => node.pid));
    throw error;
  }
  const startedAt = new Date().toISOString();
  const state: NetworkState = {
    version: 1,
    startedAt,
    topology: {
      description: options.description,
      seed: options.seed,
      maxPeers: options.maxPeers,
      edges: graph.edges.map(([a, b]) => [a, b]),
      diameter: Number.isFinite(diameter(graph)) ? diameter(graph) : null,
    },
    relays: options.relays,
    basePort,
    hostsMode: options.hosts !== undefined,
    logLevel: options.logLevel,
    ...(options.clusterKeyFile === undefined ? {} : { clusterKeyFile: options.clusterKeyFile }),
    insecure: options.insecure === true,
    ...(tls === undefined ? {} : { tls }),
    ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.metricsBasePort === undefined ? {} : { metricsBasePort: options.metricsBasePort }),
    nodes: launches.map((launch) => toNodeEntry(launch, spawned.get(launch.id)?.pid ?? 0, startedAt)),
  };
  await writeState(paths, state);
  return state;
}

function addressing(options: StartOptions): (id: number) => { host: string; port: number } {
  const { graph, hosts, host, basePort, port } = options;
  if (hosts !== undefined) {
    if (hosts.length < graph.n) {
      throw new GossipError(
        'GOSSIP_ERR_BAD_ARGUMENT',
        `--hosts gives ${hosts.length} addresses for ${graph.n} nodes`,
      );
    }
    return (id) => ({ host: hosts[id - 1] ?? host, port });
  }
  if (basePort < 1 || basePort + graph.n > 65_535) {
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `--base-port ${basePort} with ${graph.n} nodes needs ports ${basePort + 1}-${basePort + graph.n}; choose a base port between 1 and ${65_535 - graph.n}`,
    );
  }
  return (id) => ({ host, port: basePort + id });
}

/** Each node's metrics port, checked to fit in the port range and to stay clear of the nodes' own ports. */
function metricsPorts(
  options: StartOptions,
  addressOf: (id: number) => { host: string; port: number },
): (id: number) => number | undefined {
  const { metricsBasePort: base, graph } = options;
  if (base === undefined) return () => undefined;
  if (base < 1 || base + graph.n > 65_535) {
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `--metrics-base-port ${base} with ${graph.n} nodes needs ports ${base + 1}-${base + graph.n}; choose a base port between 1 and ${65_535 - graph.n}`,
    );
  }
  const nodePorts = new Set(Array.from({ length: graph.n }, (_, index) => addressOf(index + 1).port));
  for (let id = 1; id <= graph.n; id += 1) {
    if (nodePorts.has(base + id)) {
      throw new GossipError(
        'GOSSIP_ERR_BAD_ARGUMENT',
        `--metrics-base-port ${base} gives node ${id} port ${base + id}, which a node listens on; choose a base port whose range ${base + 1}-${base + graph.n} is clear of the nodes' ports`,
      );
    }
  }
  return (id) => base + id;
}

async function refuseIfRunning(paths: HomePaths): Promise<void> {
  const state = await readState(paths);
  if (state === undefined) return;
  const alive = await Promise.all(state.nodes.map((node) => isOurNode(node.pid, node.id, node.port)));
  if (alive.some(Boolean)) {
    throw new GossipError(
      'GOSSIP_ERR_NETWORK_RUNNING',
      `a network is already running from ${paths.home} (${alive.filter(Boolean).length} nodes up); stop it first with: gossip stop-network`,
    );
  }
  // Every recorded node is gone (a reboot, or killed by hand): the state is stale.
  await removeState(paths);
}
