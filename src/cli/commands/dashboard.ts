// `gossip dashboard [--port 8080] [--host 127.0.0.1]`: the live dashboard of the running network, served
// until Ctrl-C (SIGINT) or SIGTERM.

import { startDashboard } from '../../dashboard/start-dashboard.js';
import { resolveHome } from '../../network/home.js';
import { parseVia } from '../../network/members-state.js';
import { formatHostPort } from '../../protocol/address.js';
import { parseInteger } from '../args.js';
import { printResult } from '../output.js';

export async function dashboardCommand(options: Record<string, unknown>): Promise<void> {
  const port = parseInteger('--port', options.port, 0, 65_535);
  const host = typeof options.host === 'string' && options.host !== '' ? options.host : '127.0.0.1';
  const home = resolveHome(options.home);
  const via = parseVia(options.via);
  const dashboard = await startDashboard({ home, host, port, via });
  const what =
    via === undefined ? `the network in ${home}` : `the cluster of ${formatHostPort(via.host, via.port)}`;
  printResult(
    options as { json?: boolean },
    [
      `Dashboard of ${what} (${dashboard.nodes} nodes): ${dashboard.url}`,
      `  event log: ${dashboard.eventLog}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
    { url: dashboard.url, eventLog: dashboard.eventLog, nodes: dashboard.nodes, pid: process.pid },
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dashboard.close();
}
