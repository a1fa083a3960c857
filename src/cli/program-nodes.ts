// The commands for one node at a time and the membership: remove-node, health, restart-node, add-node, status, logs, members.

import type { Command } from 'commander';
import { common, examples, viaOption } from './program-options.js';

export function addNodeCommands(program: Command): void {
  examples(
    common(
      viaOption(
        program
          .command('remove-node')
          .description('stop a node; its former peers drop it')
          .argument('<node>', 'node number'),
      ),
    ).action(async (node: string, options: Record<string, unknown>) => {
      const { removeNodeCommand } = await import('./commands/remove-node.js');
      await removeNodeCommand(node, options);
    }),
    ['gossip remove-node 12'],
  );

  examples(
    common(
      viaOption(
        program
          .command('health')
          .description('check that a node answers (exit 0) — for container health checks')
          .argument('<node>', 'node number, or host:port'),
      ),
    ).action(async (node: string, options: Record<string, unknown>) => {
      const { healthCommand } = await import('./commands/health.js');
      await healthCommand(node, options);
    }),
    ['gossip health 3', 'gossip health 127.0.0.1:7000'],
  );

  examples(
    common(
      program
        .command('restart-node')
        .description('start a removed or crashed node again, with its own data and original peers')
        .argument('<node>', 'node number'),
    ).action(async (node: string, options: Record<string, unknown>) => {
      const { restartNodeCommand } = await import('./commands/node-ops.js');
      await restartNodeCommand(node, options);
    }),
    ['gossip restart-node 12'],
  );

  examples(
    common(program.command('add-node').description('start a new node that joins the running network')).action(
      async (options: Record<string, unknown>) => {
        const { addNodeCommand } = await import('./commands/node-ops.js');
        await addNodeCommand(options);
      },
    ),
    ['gossip add-node', 'gossip add-node --json'],
  );

  examples(
    common(
      viaOption(
        program.command('status').description('a table of the nodes: pid, address, state, peers, messages'),
      ),
    ).action(async (options: Record<string, unknown>) => {
      const { statusCommand } = await import('./commands/status.js');
      await statusCommand(options);
    }),
    ['gossip status', 'gossip status --json'],
  );

  examples(
    common(
      program
        .command('logs')
        .description("a node's log, pretty-printed")
        .argument('<node>', 'node number')
        .option('-f, --follow', 'keep printing new lines until interrupted'),
    ).action(async (node: string, options: Record<string, unknown>) => {
      const { logsCommand } = await import('./commands/logs.js');
      await logsCommand(node, options);
    }),
    ['gossip logs 3', 'gossip logs 3 -f'],
  );

  examples(
    common(
      viaOption(
        program
          .command('members')
          .description('every member of the cluster, as one node knows it by gossip: state, address, peers'),
      ),
    ).action(async (options: Record<string, unknown>) => {
      const { membersCommand } = await import('./commands/members.js');
      await membersCommand(options);
    }),
    ['gossip members', 'gossip members --via node1:7000', 'gossip members --json'],
  );
}
