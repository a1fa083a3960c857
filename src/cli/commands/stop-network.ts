// `gossip stop-network`: safe to repeat.

import { homePaths, resolveHome } from '../../network/home.js';
import { stopNetwork } from '../../network/stop-network.js';
import { printResult } from '../output.js';

export async function stopNetworkCommand(options: Record<string, unknown>): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const summary = await stopNetwork(paths);
  let human: string;
  if (!summary.wasRunning) human = `No network is running (nothing to stop in ${paths.home})`;
  else {
    human = `Network stopped (${summary.stopped.length} nodes)`;
    if (summary.killed.length > 0) human += `; killed after the grace period: ${summary.killed.join(', ')}`;
  }
  printResult(options as { json?: boolean }, human, { home: paths.home, ...summary });
}
