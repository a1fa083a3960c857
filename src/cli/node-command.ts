// `gossip node`: a command of the full CLI, and the whole program of the node entry (node-main.ts), which
// must not import the other commands.

import type { Command } from 'commander';
import { examples, nodeOptions } from './program-options.js';

export function addNodeCommand(program: Command): void {
  const node = program.command('node').description('run one node in the foreground until SIGTERM/SIGINT');
  for (const option of nodeOptions()) node.addOption(option);
  examples(
    node.action(async (options: Record<string, unknown>, command: Command) => {
      const { runNodeCommand } = await import('./commands/node.js');
      await runNodeCommand(options, (option) => command.getOptionValueSource(option));
    }),
    [
      'gossip node --id 1 --port 7101 --peers 2@127.0.0.1:7102,4@127.0.0.1:7104 --log-file /tmp/node-1.log',
      'gossip node --id 1 --host 0.0.0.0 --port 7000 --cluster-key-file /run/secrets/gossip-cluster-key',
      'gossip node --id 1 --port 7101 --metrics-port 9101   # then: curl http://127.0.0.1:9101/metrics',
      'gossip node --id 1 --port 7101 --tls-cert node-1.crt --tls-key node-1.key --tls-ca ca.crt',
    ],
  );
}
