// The commander program: the root command, and the groups of commands in the order --help lists them
// (program-*.ts). Actions are imported lazily so that a command loads only what it needs.

import type { Command } from 'commander';
import { addFaultCommands } from './program-faults.js';
import { addMessageCommands } from './program-messages.js';
import { addNetworkCommands } from './program-network.js';
import { addNodeCommands } from './program-nodes.js';
import { rootCommand } from './root.js';

/**
 * Commands that talk to the nodes of a network: they dial with the network's client certificate when it
 * has one (start-network sets its own; node, experiment, stop-network and logs dial no network's nodes).
 */
const DIALS_NODES_OF_A_NETWORK = new Set([
  'send-message',
  'get-messages',
  'dashboard',
  'trace',
  'list-peers',
  'remove-node',
  'health',
  'restart-node',
  'add-node',
  'status',
  'members',
  'link',
  'partition',
  'heal',
  'faults',
  'chaos',
]);

export function buildProgram(): Command {
  const program = rootCommand().hook('preAction', async (_program, action) => {
    if (!DIALS_NODES_OF_A_NETWORK.has(action.name())) return;
    const { useNetworkTls } = await import('./network-tls.js');
    const options = action.opts();
    await useNetworkTls({ home: options.home, via: options.via !== undefined });
  });

  addNetworkCommands(program);
  addMessageCommands(program);
  addNodeCommands(program);
  addFaultCommands(program);
  return program;
}
