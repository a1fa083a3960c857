// Starts one `gossip node` as its own detached process (it outlives the CLI), with its output in a file.

import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { type StrategyConfig, strategyArguments } from '../node/strategies/strategy-config.js';
import type { TlsFiles } from '../tls/material.js';
import type { NodeEntry } from './state.js';

/** The CLI shim; nodes are started through it exactly as a user would start one. */
export const GOSSIP_BIN = fileURLToPath(new URL('../../bin/gossip.js', import.meta.url));

/**
 * V8 flags for every node the launcher starts. A 2 MiB young generation (V8 grows it to 16 MiB) keeps a busy
 * node about 20 MiB smaller at the same throughput (docs/BENCHMARKS.md). The Dockerfile passes the same flag.
 */
const NODE_V8_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

export interface NodeLaunch {
  id: number;
  host: string;
  port: number;
  peers: ReadonlyArray<{ id: number; host: string; port: number }>;
  logFile: string;
  outputFile: string;
  dataDir: string;
  logLevel: string;
  maxPeers: number;
  /** Nodes to join through (a node added to a running network starts with no peers). */
  join: ReadonlyArray<{ id: number; host: string; port: number }>;
  /** The network's cluster key file, if it has one. */
  clusterKeyFile: string | undefined;
  insecure: boolean;
  /** The node's certificate, key and the cluster CA (a --tls network); absent: plain TCP. */
  tls?: TlsFiles | undefined;
  /** The dissemination strategy; absent: flood with its defaults (no flags passed). */
  strategy?: StrategyConfig | undefined;
  /** The fault every link starts with (wire spelling); absent: none. */
  faults?: string | undefined;
  /** Where it serves Prometheus metrics (on its host); absent: no metrics. */
  metricsPort?: number | undefined;
}

export interface SpawnedNode {
  pid: number;
  /** Settles if the process exits while this CLI still runs (e.g. its port was taken). */
  exited: Promise<{ exitCode: number | undefined }>;
}

export function nodeArguments(launch: NodeLaunch): string[] {
  const list = (nodes: NodeLaunch['peers']): string =>
    nodes.map((node) => `${node.id}@${node.host}:${node.port}`).join(',');
  const peers = list(launch.peers);
  const join = list(launch.join);
  return [
    'node',
    '--id',
    String(launch.id),
    '--port',
    String(launch.port),
    '--host',
    launch.host,
    ...(peers === '' ? [] : ['--peers', peers]),
    ...(join === '' ? [] : ['--join', join]),
    '--max-peers',
    String(launch.maxPeers),
    '--data-dir',
    launch.dataDir,
    '--log-file',
    launch.logFile,
    '--log-level',
    launch.logLevel,
    ...(launch.clusterKeyFile === undefined ? [] : ['--cluster-key-file', launch.clusterKeyFile]),
    ...(launch.insecure ? ['--insecure'] : []),
    ...(launch.tls === undefined
      ? []
      : ['--tls-cert', launch.tls.cert, '--tls-key', launch.tls.key, '--tls-ca', launch.tls.ca]),
    // A network the launcher starts is one its operator may break on purpose (gossip link, partition, chaos).
    '--allow-faults',
    ...(launch.faults === undefined ? [] : ['--faults', launch.faults]),
    ...(launch.strategy === undefined ? [] : strategyArguments(launch.strategy)),
    ...(launch.metricsPort === undefined ? [] : ['--metrics-port', String(launch.metricsPort)]),
  ];
}

export function spawnNode(launch: NodeLaunch): SpawnedNode {
  // execa's types only list fds 3-9, but any open fd is handed to child_process.spawn as is.
  const output = openSync(launch.outputFile, 'w') as 3;
  try {
    const child = execa(process.execPath, [...NODE_V8_FLAGS, GOSSIP_BIN, ...nodeArguments(launch)], {
      detached: true,
      reject: false,
      stdin: 'ignore',
      stdout: output,
      stderr: output,
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start node ${launch.id}`);
    return { pid: child.pid, exited: child.then((result) => ({ exitCode: result.exitCode })) };
  } finally {
    closeSync(output);
  }
}

/** The state-file record of a node started from `launch`. */
export function toNodeEntry(launch: NodeLaunch, pid: number, startedAt: string): NodeEntry {
  return {
    id: launch.id,
    pid,
    host: launch.host,
    port: launch.port,
    peers: launch.peers.map((peer) => peer.id),
    logFile: launch.logFile,
    outputFile: launch.outputFile,
    dataDir: launch.dataDir,
    startedAt,
    removed: false,
    ...(launch.metricsPort === undefined ? {} : { metricsPort: launch.metricsPort }),
  };
}
