// Starts one node from its config: logger, journal replay, state, links, TCP server, the upkeep timer.
// Resolves once it listens.

import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadClusterKey } from '../cluster-key.js';
import { createLogger, type LoggerHandle } from '../log.js';
import { createRequestParser } from '../protocol/requests.js';
import { dial } from '../tls/dial.js';
import { loadTlsMaterial } from '../tls/material.js';
import { clientTls, TLS_CONNECT_TIMEOUT_MS } from '../tls/secure-context.js';
import { checkBind } from './bind-policy.js';
import { ClusterAuth } from './cluster-auth.js';
import type { NodeConfig } from './config.js';
import { dialOnce } from './dial-once.js';
import { GossipNode, TICK_MS } from './gossip-node.js';
import { Journal } from './journal.js';
import { listen } from './listen.js';
import { attachNodeLogging, throttled } from './node-logging.js';
import { CONNECT_TIMEOUT_MS, RECONNECT_MAX_MS, RECONNECT_MIN_MS } from './peer-link.js';
import { createNodeServer } from './server.js';

/** How often membership and anti-entropy upkeep runs. */
/** Random walks for repair travel at most this many hops. */
const WALK_TTL = 8;

export interface RunningNode {
  node: GossipNode;
  log: LoggerHandle;
  /** Said once at start for the operator (e.g. an --insecure bind); also in the log. */
  warning: string | undefined;
  /** Settles when the node was asked to leave the cluster (/LEAVE) and told its peers: stop it then. */
  left: Promise<void>;
  stop(): Promise<void>;
}

export async function runNode(config: NodeConfig): Promise<RunningNode> {
  // Refused before anything is opened: no key, no bind beyond loopback unless --insecure.
  const key = loadClusterKey({ file: config.clusterKeyFile, value: config.clusterKey });
  // Certificates are checked (readable, key matches, signed by the CA, in date) before anything opens.
  const tls = config.tls === undefined ? undefined : loadTlsMaterial(config.tls);
  const outbound = tls === undefined ? undefined : clientTls(tls);
  const connectTimeoutMs = tls === undefined ? CONNECT_TIMEOUT_MS : TLS_CONNECT_TIMEOUT_MS;
  const bindWarning = checkBind({
    host: config.host,
    keyed: key !== undefined,
    tls: tls !== undefined,
    insecure: config.insecure,
  });
  const auth = key === undefined ? undefined : new ClusterAuth({ key, self: config.id });
  const log = createLogger({ file: config.logFile, level: config.logLevel, nodeId: config.id });
  if (bindWarning !== undefined)
    log.logger.warn({ host: config.host, warning: bindWarning }, 'node.insecure');
  const opened =
    config.dataDir === undefined
      ? undefined
      : await Journal.open(path.join(config.dataDir, 'messages.journal'), {
          fsync: config.fsync,
          fsyncIntervalMs: config.fsyncIntervalMs,
        });
  const limits = { maxTextBytes: config.maxTextBytes };
  const localAddress = localAddressFor(config.host);
  const node = new GossipNode({
    self: { id: config.id, ...advertisedAddress(config) },
    peers: config.peers,
    seeds: config.join,
    persistence: opened?.journal,
    maxPaths: config.maxPaths,
    limits,
    strategy: config.strategy,
    faults: config.faults,
    allowFaults: config.allowFaults,
    dial: (to, line) => dialOnce(to, line, { localAddress, timeoutMs: connectTimeoutMs, tls: outbound }),
    membership: {
      auth,
      maxPeers: config.maxPeers,
      failureTimeoutMs: config.failureTimeoutMs,
      heartbeatMs: config.heartbeatMs,
      walkTtl: WALK_TTL,
      link: {
        maxQueue: config.maxQueue,
        maxQueueBytes: config.maxQueueBytes,
        backoffMinMs: RECONNECT_MIN_MS,
        backoffMaxMs: RECONNECT_MAX_MS,
        connectTimeoutMs,
        localAddress,
        // Without TLS the links dial with net.connect, as before.
        dial: outbound === undefined ? undefined : (options) => dial(outbound, options),
        random: Math.random,
      },
    },
  });
  attachNodeLogging(node, log.logger);
  if (opened !== undefined) {
    node.restore(opened.replay.records);
    const { records, skipped, torn } = opened.replay;
    log.logger.info(
      { records: records.length, skipped, torn, messages: node.stats(0).messages },
      'journal.replayed',
    );
  }
  // Metrics first: once the node answers, Prometheus can scrape it. prom-client is loaded only for this.
  const metrics =
    config.metricsPort === undefined
      ? undefined
      : await (await import('./metrics/metrics-server.js')).startMetrics(node, {
          host: config.host,
          port: config.metricsPort,
          logger: log.logger,
        });
  const { server, destroyConnections } = createNodeServer(node, {
    maxLineBytes: config.maxLineBytes,
    parse: createRequestParser(limits),
    auth,
    tls,
    onTlsRefused: throttled(5, (refusal) => log.logger.warn(refusal, 'tls.refused')),
    limits: {
      maxConnections: config.maxConnections,
      idleTimeoutMs: config.idleTimeoutMs,
      maxRequestsPerSecond: config.maxRequestsPerSecond,
      maxReplyBufferBytes: config.maxReplyBufferBytes,
    },
    onInternalError: (error, line) =>
      log.logger.error({ err: error, line: line.slice(0, 200) }, 'request.failed'),
    onNotAPeer: (refusal) => log.logger.warn(refusal, 'request.not-a-peer'),
  });
  const left = new Promise<void>((resolve) => node.events.once('node.left', () => resolve()));
  await listen(server, config.port, config.host);
  // After listening, server errors (e.g. EMFILE on accept) are logged; the node keeps serving.
  server.on('error', (error) => log.logger.error({ err: error }, 'server.error'));
  log.logger.info(
    {
      address: node.address,
      pid: process.pid,
      peers: config.peers.map((peer) => `${peer.id}@${peer.host}:${peer.port}`),
      clusterKey: auth !== undefined,
      ...(tls === undefined ? {} : { tls: { subject: tls.subject, validTo: tls.validTo } }),
    },
    'node.started',
  );
  node.start();
  const ticker = setInterval(() => node.tick(), TICK_MS);
  const rounds = config.strategy.name === 'flood' ? undefined : startRounds(node, config.strategy.roundMs);

  let stopped = false;
  return {
    node,
    log,
    warning: bindWarning,
    left,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      rounds?.stop();
      node.stop();
      await metrics?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        destroyConnections();
      });
      await opened?.journal
        .close()
        .catch((error: unknown) => log.logger.error({ err: error }, 'journal.close-failed'));
      log.logger.info({ messages: node.stats(process.pid).messages }, 'node.stopped');
      await log.close();
    },
  };
}

/**
 * Calls node.round() at every multiple of roundMs on the machine's clock, so nodes on one machine share round
 * boundaries, as the synchronous rounds of the theory do (a round's messages arrive within it).
 */
function startRounds(node: GossipNode, roundMs: number): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    const now = node.now();
    timer = setTimeout(
      () => {
        node.round();
        schedule();
      },
      roundMs - (now % roundMs),
    );
  };
  schedule();
  return { stop: () => clearTimeout(timer) };
}

/** Where other nodes reach this one: --advertise, else the bind address (the host name for a wildcard bind). */
function advertisedAddress(config: NodeConfig): { host: string; port: number } {
  if (config.advertise !== undefined) return config.advertise;
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  return { host: wildcard ? os.hostname() : config.host, port: config.port };
}

/** A specific IP to send from; none for wildcard binds or names (the kernel picks). */
function localAddressFor(host: string): string | undefined {
  if (host === '0.0.0.0' || host === '::' || net.isIP(host) === 0) return undefined;
  return host;
}
