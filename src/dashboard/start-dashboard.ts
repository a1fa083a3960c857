// Starts the dashboard: follows every node of the network in a home (or of the cluster a node --via names),
// keeps the event log, serves the page. Resolves once it listens; close() stops it all (streams, timers,
// the HTTP server).

import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { GossipError } from '../errors.js';
import { homePaths } from '../network/home.js';
import { membersState } from '../network/members-state.js';
import { readState, requireState } from '../network/state.js';
import { formatHostPort } from '../protocol/address.js';
import { createDashboardServer } from './http-server.js';
import { DashboardHub, eventLogFile } from './hub.js';
import { type NetworkSource, NetworkWatch } from './network-watch.js';
import { PageStreams } from './page-streams.js';

export interface DashboardOptions {
  home: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Follow the members of the cluster this node belongs to, instead of a state file. */
  via?: { host: string; port: number } | undefined;
}

export interface RunningDashboard {
  url: string;
  eventLog: string;
  nodes: number;
  close(): Promise<void>;
}

export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const paths = homePaths(options.home);
  const { via } = options;
  const readNetwork: NetworkSource = via === undefined ? () => readState(paths) : () => membersState(via);
  const state = via === undefined ? await requireState(paths) : await membersState(via);
  const eventLog =
    via === undefined
      ? eventLogFile(paths)
      : path.join(paths.logsDir, `events-via-${via.host}-${via.port}.ndjson`);
  const pages = new PageStreams();
  const hub = new DashboardHub({ home: paths.home, eventLog }, pages);
  const watch = new NetworkWatch(readNetwork, hub);
  const server = createDashboardServer(readNetwork, hub, pages, options.host);
  const close = async (): Promise<void> => {
    watch.close();
    pages.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await hub.close();
  };
  try {
    await watch.start();
    await listen(server, options.host, options.port);
  } catch (error) {
    await close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${formatHostPort(options.host, port)}/`,
    eventLog: hub.eventLogFile,
    nodes: state.nodes.filter((node) => !node.removed).length,
    close,
  };
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = formatHostPort(host, port);
      if (error.code === 'EADDRINUSE') {
        reject(
          new GossipError('GOSSIP_ERR_PORT_IN_USE', `${where} is already in use; pick another with --port`, {
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
    server.listen({ host, port }, () => resolve());
  });
}
