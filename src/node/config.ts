// Settings of one node, from CLI flags (or their GOSSIP_* environment variables). Checked by hand, like every
// other input a node takes, so that a node loads no schema library (see protocol/requests.ts).

import { LOG_LEVELS, type LogLevel } from '../log.js';
import { type PeerAddress, parseHostPort } from '../protocol/address.js';
import { type LinkFault, parseFaultSpec } from '../protocol/fault-spec.js';
import { DEFAULT_MAX_LINE_BYTES } from '../protocol/framing.js';
import { MAX_NODE_ID, MAX_TEXT_BYTES, MAX_TEXT_BYTES_LIMIT } from '../protocol/limits.js';
import type { TlsFiles } from '../tls/material.js';
import { DEFAULT_FSYNC, DEFAULT_FSYNC_INTERVAL_MS, FSYNC_POLICIES, type FsyncPolicy } from './journal.js';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_PATHS,
  DEFAULT_MAX_REPLY_BUFFER_BYTES,
  DEFAULT_MAX_REQUESTS_PER_SECOND,
} from './limits.js';
import { DEFAULT_MAX_QUEUE, DEFAULT_MAX_QUEUE_BYTES } from './peer-link.js';
import { parseStrategyOptions, type StrategyConfig } from './strategies/strategy-config.js';

/** A peer silent this long (no relay, no heartbeat) is declared failed. */
export const DEFAULT_FAILURE_TIMEOUT_MS = 1_500;
/** Heartbeat period on every peer link; several fit in one failure timeout. */
export const DEFAULT_HEARTBEAT_MS = 300;

export interface NodeConfig {
  id: number;
  port: number;
  host: string;
  peers: PeerAddress[];
  /** Nodes to join through when this node starts with no peers (`gossip add-node`). */
  join: PeerAddress[];
  maxPeers: number;
  failureTimeoutMs: number;
  heartbeatMs: number;
  /** The `host:port` other nodes use to reach this one (bind 0.0.0.0 in a container, advertise its name). */
  advertise: { host: string; port: number } | undefined;
  dataDir: string | undefined;
  logFile: string | undefined;
  logLevel: LogLevel;
  maxLineBytes: number;
  maxQueue: number;
  maxQueueBytes: number;
  /** Default: 16 KiB, or a quarter of --max-line-bytes if that is less. */
  maxTextBytes: number;
  maxConnections: number;
  idleTimeoutMs: number;
  maxRequestsPerSecond: number;
  maxReplyBufferBytes: number;
  maxPaths: number;
  /** A file holding the cluster key (what secrets managers mount). */
  clusterKeyFile: string | undefined;
  /** The cluster key itself, from GOSSIP_CLUSTER_KEY only (a flag value would show in `ps`). */
  clusterKey: string | undefined;
  /** Allow a non-loopback bind without a cluster key. */
  insecure: boolean;
  /** Mutual TLS (--tls-cert, --tls-key, --tls-ca, all three or none): TLS-only server, TLS to peers. */
  tls: TlsFiles | undefined;
  /** Take /FAULT and /PARTITION requests (start-network passes it). */
  allowFaults: boolean;
  /** The fault every link starts with (--faults), and the seed of its draws. */
  faults: { fault: LinkFault; seed?: number } | undefined;
  /** Dissemination strategy: --strategy, --fanout, --round-ms, --stop, --stop-after, --repair. */
  strategy: StrategyConfig;
  /** When a /NEW counts as kept: written and synced (always), written (interval, never). */
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  /** Serve Prometheus metrics over HTTP on this port of --host (GET /metrics); undefined: off. */
  metricsPort: number | undefined;
}

export type ConfigResult = { ok: true; config: NodeConfig } | { ok: false; problems: string[] };

/** Whole-number settings: [flag, lowest, highest, default (undefined = required)]. */
const NUMBERS = {
  id: ['--id', 1, MAX_NODE_ID, undefined],
  port: ['--port', 1, 65_535, undefined],
  maxPeers: ['--max-peers', 1, 1024, 3],
  failureTimeoutMs: ['--failure-timeout-ms', 200, 600_000, DEFAULT_FAILURE_TIMEOUT_MS],
  heartbeatMs: ['--heartbeat-ms', 50, 60_000, DEFAULT_HEARTBEAT_MS],
  maxLineBytes: ['--max-line-bytes', 256, 64 * 1024 * 1024, DEFAULT_MAX_LINE_BYTES],
  maxQueue: ['--max-queue', 1, 10_000_000, DEFAULT_MAX_QUEUE],
  maxQueueBytes: ['--max-queue-bytes', 64 * 1024, 16 * 1024 ** 3, DEFAULT_MAX_QUEUE_BYTES],
  maxTextBytes: ['--max-text-bytes', 1, MAX_TEXT_BYTES_LIMIT, undefined],
  maxConnections: ['--max-connections', 1, 1_000_000, DEFAULT_MAX_CONNECTIONS],
  idleTimeoutMs: ['--idle-timeout-ms', 100, 86_400_000, DEFAULT_IDLE_TIMEOUT_MS],
  maxRequestsPerSecond: ['--max-requests-per-second', 1, 10_000_000, DEFAULT_MAX_REQUESTS_PER_SECOND],
  maxReplyBufferBytes: ['--max-reply-buffer-bytes', 16 * 1024, 1024 ** 3, DEFAULT_MAX_REPLY_BUFFER_BYTES],
  maxPaths: ['--max-paths', 1, 1_000_000, DEFAULT_MAX_PATHS],
  fsyncIntervalMs: ['--fsync-interval-ms', 1, 60_000, DEFAULT_FSYNC_INTERVAL_MS],
  metricsPort: ['--metrics-port', 1, 65_535, undefined],
} as const satisfies Record<string, readonly [string, number, number, number | undefined]>;

/** Text settings where an empty value means "not set". */
const OPTIONAL_TEXTS = new Set(['clusterKeyFile', 'clusterKey', 'tlsCert', 'tlsKey', 'tlsCa']);

/** Options as commander hands them over: strings from flags and GOSSIP_* variables, or numbers in tests. */
export function parseNodeConfig(input: Record<string, unknown>): ConfigResult {
  const problems: string[] = [];
  const number = (key: keyof typeof NUMBERS): number => {
    const [flag, lowest, highest, fallback] = NUMBERS[key];
    const value = input[key];
    if (value === undefined && fallback !== undefined) return fallback;
    const parsed = typeof value === 'number' ? value : wholeNumberText(value);
    if (parsed === undefined || !Number.isInteger(parsed) || parsed < lowest || parsed > highest)
      problems.push(
        `${flag} must be a whole number from ${lowest} to ${highest} (got ${JSON.stringify(value)})`,
      );
    return parsed ?? 0;
  };
  const text = (key: string, flag: string): string | undefined => {
    const value = input[key];
    // A variable set to the empty string counts as unset (`-e GOSSIP_CLUSTER_KEY_FILE=` clears an image's value).
    if (value === undefined || (value === '' && OPTIONAL_TEXTS.has(key))) return undefined;
    if (typeof value !== 'string' || value === '' || value.length > 4096) {
      problems.push(`${flag} must be a non-empty string`);
      return undefined;
    }
    return value;
  };
  const maxLineBytes = number('maxLineBytes');
  // Default text cap: 16 KiB, or a quarter of the line cap if that is less.
  const maxTextBytes =
    input.maxTextBytes === undefined
      ? Math.min(MAX_TEXT_BYTES, Math.floor(maxLineBytes / 4))
      : number('maxTextBytes');
  const config: NodeConfig = {
    id: number('id'),
    port: number('port'),
    host: text('host', '--host') ?? '127.0.0.1',
    peers: peerList(input.peers, problems),
    join: peerList(input.join, problems),
    maxPeers: number('maxPeers'),
    failureTimeoutMs: number('failureTimeoutMs'),
    heartbeatMs: number('heartbeatMs'),
    advertise: advertised(input.advertise, problems),
    dataDir: text('dataDir', '--data-dir'),
    logFile: text('logFile', '--log-file'),
    logLevel: logLevel(input.logLevel, problems),
    maxLineBytes,
    maxQueue: number('maxQueue'),
    maxQueueBytes: number('maxQueueBytes'),
    maxTextBytes,
    maxConnections: number('maxConnections'),
    idleTimeoutMs: number('idleTimeoutMs'),
    maxRequestsPerSecond: number('maxRequestsPerSecond'),
    maxReplyBufferBytes: number('maxReplyBufferBytes'),
    maxPaths: number('maxPaths'),
    fsync: fsyncPolicy(input.fsync, problems),
    fsyncIntervalMs: number('fsyncIntervalMs'),
    clusterKeyFile: text('clusterKeyFile', '--cluster-key-file'),
    clusterKey: text('clusterKey', 'GOSSIP_CLUSTER_KEY'),
    insecure: input.insecure === true,
    tls: tlsFiles(
      {
        cert: text('tlsCert', '--tls-cert'),
        key: text('tlsKey', '--tls-key'),
        ca: text('tlsCa', '--tls-ca'),
      },
      problems,
    ),
    allowFaults: input.allowFaults === true || input.allowFaults === 'true' || input.allowFaults === '1',
    faults: faultsOption(input.faults, problems),
    strategy: parseStrategyOptions(input, problems),
    // Off unless given; an empty GOSSIP_METRICS_PORT turns an image's setting off.
    metricsPort:
      input.metricsPort === undefined || input.metricsPort === '' ? undefined : number('metricsPort'),
  };
  if (maxTextBytes * 4 > maxLineBytes) {
    // A relay line carries the text JSON-escaped (up to twice as long) plus its path.
    problems.push(`--max-text-bytes ${maxTextBytes} needs --max-line-bytes of at least ${maxTextBytes * 4}`);
  }
  if (config.host.length > 253) problems.push('--host is longer than 253 characters');
  problems.push(...crossChecks(config));
  return problems.length === 0 ? { ok: true, config } : { ok: false, problems };
}

function wholeNumberText(value: unknown): number | undefined {
  return typeof value === 'string' && /^\s*\d{1,12}\s*$/.test(value) ? Number(value) : undefined;
}

/** `<id>@<host>:<port>,...`; the host may be a name, an IPv4 address or a bracketed IPv6 address. */
function peerList(value: unknown, problems: string[]): PeerAddress[] {
  if (value === undefined) return [];
  if (typeof value !== 'string') {
    problems.push('a peer list must be a comma-separated string');
    return [];
  }
  const peers: PeerAddress[] = [];
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const at = part.indexOf('@');
    const idText = part.slice(0, at).trim();
    const id = Number(idText);
    const hostPort = parseHostPort(part.slice(at + 1));
    if (at === -1 || !/^\d+$/.test(idText) || id < 1 || id > MAX_NODE_ID || hostPort === undefined) {
      problems.push(`peer "${part}" is not <id>@<host>:<port> (e.g. 2@127.0.0.1:7002)`);
      continue;
    }
    peers.push({ id, ...hostPort });
  }
  return peers;
}

/** The three TLS files go together: a node with a certificate but no CA (or key) could not do mutual TLS. */
function tlsFiles(
  files: { cert: string | undefined; key: string | undefined; ca: string | undefined },
  problems: string[],
): TlsFiles | undefined {
  const { cert, key, ca } = files;
  if (cert !== undefined && key !== undefined && ca !== undefined) return { cert, key, ca };
  const flags = { cert: '--tls-cert', key: '--tls-key', ca: '--tls-ca' } as const;
  const missing = (['cert', 'key', 'ca'] as const).filter((name) => files[name] === undefined);
  if (missing.length < 3)
    problems.push(
      `--tls-cert, --tls-key and --tls-ca go together (or GOSSIP_TLS_CERT, GOSSIP_TLS_KEY, GOSSIP_TLS_CA): ${missing.map((name) => flags[name]).join(' and ')} missing`,
    );
  return undefined;
}

function faultsOption(value: unknown, problems: string[]): NodeConfig['faults'] {
  if (value === undefined || value === '') return undefined;
  const parsed = typeof value === 'string' ? parseFaultSpec(value) : undefined;
  if (parsed === undefined || !parsed.ok) {
    problems.push(`--faults "${String(value)}": ${parsed?.ok === false ? parsed.problem : 'not a fault'}`);
    return undefined;
  }
  return parsed.seed === undefined ? { fault: parsed.fault } : { fault: parsed.fault, seed: parsed.seed };
}

function advertised(value: unknown, problems: string[]): NodeConfig['advertise'] {
  if (value === undefined || value === '') return undefined;
  const hostPort = typeof value === 'string' ? parseHostPort(value) : undefined;
  if (hostPort === undefined) problems.push(`--advertise "${String(value)}" is not <host>:<port>`);
  return hostPort;
}

function fsyncPolicy(value: unknown, problems: string[]): FsyncPolicy {
  if (value === undefined) return DEFAULT_FSYNC;
  const policy = FSYNC_POLICIES.find((known) => known === value);
  if (policy === undefined) problems.push(`--fsync must be one of ${FSYNC_POLICIES.join(', ')}`);
  return policy ?? DEFAULT_FSYNC;
}

function logLevel(value: unknown, problems: string[]): LogLevel {
  if (value === undefined) return 'info';
  const level = LOG_LEVELS.find((known) => known === value);
  if (level === undefined) problems.push(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  return level ?? 'info';
}

function crossChecks(config: NodeConfig): string[] {
  const problems: string[] = [];
  if (config.peers.length > config.maxPeers)
    problems.push(`${config.peers.length} peers given, above --max-peers ${config.maxPeers}`);
  if (config.metricsPort === config.port)
    problems.push(`--metrics-port ${config.metricsPort} is the node's own --port; choose another`);
  if (config.heartbeatMs * 2 > config.failureTimeoutMs)
    problems.push('--heartbeat-ms must be at most half of --failure-timeout-ms');
  const seen = new Set<number>();
  for (const peer of config.peers) {
    if (peer.id === config.id) problems.push(`node ${config.id} cannot peer with itself`);
    if (seen.has(peer.id)) problems.push(`peer ${peer.id} is listed twice`);
    seen.add(peer.id);
  }
  return problems;
}
