// The commands that send and look: send-message, get-messages, dashboard, trace, list-peers.

import type { Command } from 'commander';
import { common, count, examples, viaOption } from './program-options.js';

export function addMessageCommands(program: Command): void {
  examples(
    common(
      viaOption(
        program
          .command('send-message')
          .description('submit a new message to a node')
          .argument('<node>', 'node number, or host:port')
          .argument('<message...>', 'the message text (several words are joined with spaces)')
          .option('-r, --relays <count>', 'relay limit: copies each node may send over each link'),
      ),
    ).action(async (node: string, words: string[], options: Record<string, unknown>) => {
      const { sendMessageCommand } = await import('./commands/send-message.js');
      await sendMessageCommand(node, words, options);
    }),
    [
      'gossip send-message 1 "Hello World"',
      'gossip send-message 3 Hi -r 2',
      'gossip send-message 127.0.0.1:7005 Hi',
    ],
  );

  examples(
    common(
      viaOption(
        program
          .command('get-messages')
          .description("show a node's messages and the paths they took to reach it")
          .argument('<node>', 'node number, or host:port')
          .argument(
            '[filter]',
            'unread | read | all (fetching all or unread marks every message read)',
            'all',
          )
          .option('-p, --paths', 'shortest paths; -pp longest; -ppp shortest and longest', count, 0)
          .option('-A, --all-paths', 'every path (the default)')
          .option(
            '-t, --time',
            'origin time, local, as the reference: -t [HH:MM:SS] after the text, -tt adds the date, -ttt "Mon DD, YYYY - HH:MM:SS (UTC+hhmm): " before it, -tttt adds microseconds',
            count,
            0,
          ),
      ),
    ).action(async (node: string, filter: string, options: Record<string, unknown>) => {
      const { getMessagesCommand } = await import('./commands/get-messages.js');
      await getMessagesCommand(node, filter, options);
    }),
    ['gossip get-messages 10', 'gossip get-messages 10 unread -p', 'gossip get-messages 10 all -pp -tt'],
  );

  examples(
    common(
      viaOption(
        program
          .command('dashboard')
          .description('serve a live web page of the network: topology, messages spreading, replays')
          .option('--port <p>', 'HTTP port of the page (0: any free port)', '8080')
          .option(
            '--host <addr>',
            'address to serve on (keep it local: the page can send messages)',
            '127.0.0.1',
          ),
      ),
    ).action(async (options: Record<string, unknown>) => {
      const { dashboardCommand } = await import('./commands/dashboard.js');
      await dashboardCommand(options);
    }),
    ['gossip dashboard', 'gossip dashboard --port 9090', 'gossip dashboard --home /tmp/net2 --port 0'],
  );

  examples(
    common(
      viaOption(
        program
          .command('trace')
          .description('show how a message spread: who delivered it to whom, when, and the redundant copies')
          .argument('<message...>', 'a message id (from send-message --json), or its text'),
      ),
    ).action(async (words: string[], options: Record<string, unknown>) => {
      const { traceCommand } = await import('./commands/trace.js');
      await traceCommand(words, options);
    }),
    ['gossip trace "Hello World"', 'gossip trace Hello_1795426696500612060', 'gossip trace Hello --json'],
  );

  examples(
    common(
      viaOption(
        program
          .command('list-peers')
          .description("list a node's peers")
          .argument('<node>', 'node number, or host:port'),
      ),
    ).action(async (node: string, options: Record<string, unknown>) => {
      const { listPeersCommand } = await import('./commands/list-peers.js');
      await listPeersCommand(node, options);
    }),
    ['gossip list-peers 4'],
  );
}
