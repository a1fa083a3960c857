// Starts one node from its config: logger, state, links, TCP server. Resolves once it listens.

import { mkdir } from 'node:fs/promises';
import type net from 'node:net';
import { GossipError } from '../errors.js';
import { createLogger, type LoggerHandle } from '../log.js';
import { encodeHello } from '../protocol/relay-line.js';
import type { NodeConfig } from './config.js';
import { GossipNode } from './gossip-node.js';
import { attachNodeLogging } from './node-logging.js';
import { RECONNECT_MAX_MS, RECONNECT_MIN_MS } from './peer-link.js';
import { createNodeServer } from './server.js';

export interface RunningNode {
  node: GossipNode;
  log: LoggerHandle;
  stop(): Promise<void>;
}

export async function runNode(config: NodeConfig): Promise<RunningNode> {
  if (config.dataDir !== undefined) await mkdir(config.dataDir, { recursive: true });
  const log = createLogger({ file: config.logFile, level: config.logLevel, nodeId: config.id });
  const address = `${config.host}:${config.port}`;
  const node = new GossipNode({
    id: config.id,
    address,
    peers: config.peers,
    link: {
      greeting: encodeHello(config.id),
      maxQueue: config.maxQueue,
      backoffMinMs: RECONNECT_MIN_MS,
      backoffMaxMs: RECONNECT_MAX_MS,
      random: Math.random,
    },
  });
  attachNodeLogging(node, log.logger);
  const { server, destroyConnections } = createNodeServer(node, {
    maxLineBytes: config.maxLineBytes,
    onInternalError: (error, line) =>
      log.logger.error({ err: error, line: line.slice(0, 200) }, 'request.failed'),
  });
  await listen(server, config.port, config.host);
  // After listening, server errors (e.g. EMFILE on accept) are logged; the node keeps serving.
  server.on('error', (error) => log.logger.error({ err: error }, 'server.error'));
  log.logger.info(
    { address, pid: process.pid, peers: config.peers.map((peer) => `${peer.id}@${peer.host}:${peer.port}`) },
    'node.started',
  );
  node.startLinks();

  let stopped = false;
  return {
    node,
    log,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      node.stopLinks();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        destroyConnections();
      });
      log.logger.info({ messages: node.stats(process.pid).messages }, 'node.stopped');
      log.flush();
    },
  };
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === 'EADDRINUSE') {
        reject(
          new GossipError('GOSSIP_ERR_PORT_IN_USE', `port ${port} is already in use (${where})`, {
            cause: error,
          }),
        );
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(
          new GossipError('GOSSIP_ERR_BAD_ARGUMENT', `cannot listen on ${where}: no such local address`, {
            cause: error,
          }),
        );
      } else {
        reject(
          new GossipError('GOSSIP_ERR_START_FAILED', `cannot listen on ${where}: ${error.message}`, {
            cause: error,
          }),
        );
      }
    });
    server.listen({ port, host }, () => resolve());
  });
}
