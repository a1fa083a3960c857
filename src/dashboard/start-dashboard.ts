// Starts the dashboard: follows every node of the network in a home, keeps the event log, serves the
// page. Resolves once it listens; close() stops it all (streams, timers, the HTTP server).

import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GossipError } from '../errors.js';
import { homePaths } from '../network/home.js';
import { requireState } from '../network/state.js';
import { formatHostPort } from '../protocol/address.js';
import { createDashboardServer } from './http-server.js';
import { DashboardHub } from './hub.js';
import { NetworkWatch } from './network-watch.js';
import { PageStreams } from './page-streams.js';

export interface DashboardOptions {
  home: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningDashboard {
  url: string;
  eventLog: string;
  nodes: number;
  close(): Promise<void>;
}

export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const paths = homePaths(options.home);
  const state = await requireState(paths);
  const pages = new PageStreams();
  const hub = new DashboardHub(paths, pages);
  const watch = new NetworkWatch(paths, hub);
  const server = createDashboardServer(paths, hub, pages, options.host);
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
