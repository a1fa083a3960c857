// Changing a running network one node at a time: restart a removed or crashed node with its own data,
// or add a new node, spliced into a live link (A-B becomes A-new-B), so it joins even a network whose
// every slot is taken without any node giving an original peer's slot to a stranger's HELLO.

import { mkdir } from 'node:fs/promises';
import { fetchPeers, spliceLink } from '../client/node-client.js';
import { GossipError } from '../errors.js';
import { type HomePaths, nodeDataDir, nodeLogFile, nodeOutputFile } from './home.js';
import { nextHost } from './hosts.js';
import { cliAuth, networkKey } from './network-key.js';
import { ensureNodeCertificate } from './network-tls.js';
import { isOurNode, terminate } from './processes.js';
import { waitUntilReady } from './readiness.js';
import { type NodeLaunch, spawnNode, toNodeEntry } from './spawn-node.js';
import { type NetworkState, type NodeEntry, writeState } from './state.js';

/** Most live nodes a new node is given to knock on. */
const JOIN_SEEDS = 3;

/** Starts a removed or crashed node again, on its own port, with its own data and original peers. */
export async function restartNode(
  paths: HomePaths,
  state: NetworkState,
  entry: NodeEntry,
): Promise<NodeEntry> {
  if (await isOurNode(entry.pid, entry.id, entry.port)) {
    throw new GossipError(
      'GOSSIP_ERR_NETWORK_RUNNING',
      `Gossip-Node-${entry.id} is running (pid ${entry.pid}); nothing to restart`,
    );
  }
  const original = state.topology.edges
    .filter(([a, b]) => a === entry.id || b === entry.id)
    .map(([a, b]) => (a === entry.id ? b : a));
  const peers = state.nodes.filter((node) => original.includes(node.id) && !node.removed);
  // A removed node left for good: its former peers let it in again only as a joining node (no peers yet).
  const rejoin = entry.removed || peers.length === 0;
  const seeds = peers.length > 0 ? peers : await liveSeeds(state, entry.id);
  const launch = await launchFor(state, entry, rejoin ? [] : peers, rejoin ? seeds : []);
  return spawnAndRecord(paths, state, launch);
}

/**
 * Starts a new node (next free id): two live peers A and B give it their link (/SPLICE, an administrative
 * command) and it starts with both as its peers; with no live link to splice, it joins through live nodes.
 */
export async function addNode(paths: HomePaths, state: NetworkState): Promise<NodeEntry> {
  const id = Math.max(...state.nodes.map((node) => node.id)) + 1;
  const first = state.nodes[0];
  // On a --hosts network the new node gets the next address, on the same port as the others.
  const host = state.hostsMode ? nextHost(state.nodes.map((node) => node.host)) : first?.host;
  if (host === undefined)
    throw new GossipError('GOSSIP_ERR_STATE', 'cannot tell which address the new node should use');
  const port = state.hostsMode ? (first?.port ?? state.basePort) : state.basePort + id;
  const seeds = await liveSeeds(state, id);
  if (seeds.length === 0) throw new GossipError('GOSSIP_ERR_NODE_DOWN', 'no live node to join through');
  const entry: NodeEntry = {
    id,
    pid: 0,
    host,
    port,
    peers: [],
    logFile: nodeLogFile(paths, id),
    outputFile: nodeOutputFile(paths, id),
    dataDir: nodeDataDir(paths, id),
    startedAt: new Date().toISOString(),
    removed: false,
    ...(state.metricsBasePort === undefined ? {} : { metricsPort: state.metricsBasePort + id }),
  };
  const ends = await spliceLiveLink(state, seeds, { id, host, port });
  if (ends === undefined) return spawnAndRecord(paths, state, await launchFor(state, entry, [], seeds));
  const [a, b] = ends;
  state.topology.edges = [
    ...state.topology.edges.filter(([x, y]) => !((x === a.id && y === b.id) || (x === b.id && y === a.id))),
    [a.id, id],
    [b.id, id],
  ];
  a.peers = [...a.peers.filter((peer) => peer !== b.id), id];
  b.peers = [...b.peers.filter((peer) => peer !== a.id), id];
  return spawnAndRecord(paths, state, await launchFor(state, entry, [a, b], []));
}

/** Has both ends of a live link among the seeds' give it to the new node; undefined when there is none. */
async function spliceLiveLink(
  state: NetworkState,
  seeds: readonly NodeEntry[],
  added: { id: number; host: string; port: number },
): Promise<[NodeEntry, NodeEntry] | undefined> {
  const key = networkKey(state);
  for (const a of seeds) {
    const linked = await fetchPeers(a).catch(() => []);
    const b = state.nodes.find((node) => !node.removed && linked.some(([peer]) => peer === node.id));
    if (b === undefined) continue;
    await spliceLink(a, b.id, added, cliAuth(key, a.id));
    await spliceLink(b, a.id, added, cliAuth(key, b.id));
    return [a, b];
  }
  return undefined;
}

async function launchFor(
  state: NetworkState,
  entry: NodeEntry,
  peers: NodeEntry[],
  join: NodeEntry[],
): Promise<NodeLaunch> {
  // A TLS network's new node gets a certificate of the cluster CA; a restarted one keeps its own.
  const tls =
    state.tls === undefined ? undefined : await ensureNodeCertificate(state.tls, entry.id, entry.host);
  const address = (node: NodeEntry) => ({ id: node.id, host: node.host, port: node.port });
  return {
    id: entry.id,
    host: entry.host,
    port: entry.port,
    peers: peers.map(address),
    join: join.map(address),
    logFile: entry.logFile,
    outputFile: entry.outputFile,
    dataDir: entry.dataDir,
    logLevel: state.logLevel,
    maxPeers: state.topology.maxPeers,
    clusterKeyFile: state.clusterKeyFile,
    insecure: state.insecure,
    tls,
    strategy: state.strategy,
    faults: state.faults,
    metricsPort: entry.metricsPort,
  };
}

async function liveSeeds(state: NetworkState, except: number): Promise<NodeEntry[]> {
  const candidates = state.nodes.filter((node) => node.id !== except && !node.removed);
  const alive = await Promise.all(candidates.map((node) => isOurNode(node.pid, node.id, node.port)));
  const live = candidates.filter((_, index) => alive[index]);
  for (let i = live.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [live[i], live[j]] = [live[j] as NodeEntry, live[i] as NodeEntry];
  }
  return live.slice(0, JOIN_SEEDS);
}

async function spawnAndRecord(paths: HomePaths, state: NetworkState, launch: NodeLaunch): Promise<NodeEntry> {
  await mkdir(paths.logsDir, { recursive: true });
  const spawned = spawnNode(launch);
  try {
    await waitUntilReady([launch], new Map([[launch.id, spawned]]), undefined, { linksUp: false });
  } catch (error) {
    // Not recorded in the state, so nothing else would ever stop it.
    await terminate([spawned.pid]);
    throw error;
  }
  const entry = toNodeEntry(launch, spawned.pid, new Date().toISOString());
  state.nodes = [...state.nodes.filter((node) => node.id !== entry.id), entry].sort((a, b) => a.id - b.id);
  await writeState(paths, state);
  return entry;
}
