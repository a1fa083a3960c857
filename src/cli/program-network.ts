// The commands that run nodes and networks: node (node-command.ts), start-network, experiment (which starts
// its own), stop-network.

import type { Command } from 'commander';
import { DEFAULT_STRATEGY } from '../node/strategies/strategy-config.js';
import { addNodeCommand } from './node-command.js';
import { common, examples, faultOptions, strategyOptions } from './program-options.js';

export function addNetworkCommands(program: Command): void {
  addNodeCommand(program);

  examples(
    common(
      faultOptions(
        strategyOptions(
          program
            .command('start-network')
            .description('start a local network, one detached process per node')
            .argument('[topology]', 'random | circular | powerlaw | turan', 'random')
            .argument('[parameter]', 'degree for random (default 3), partitions for turan (default 2)')
            .option('-n, --nodes <n>', 'number of nodes', '16')
            .option('-P, --plot', 'write an SVG picture of the topology and print its path')
            .option('--seed <s>', 'seed of the topology generator (same seed, same graph)')
            .option('--max-peers <k>', 'most peers any node may have', '3')
            .option('--base-port <p>', 'node N listens on base port + N', '7000')
            .option('--host <addr>', 'address every node listens on', '127.0.0.1')
            .option(
              '--hosts <addresses>',
              'one address per node instead, e.g. 127.0.0.2-127.0.0.17 (all on --port)',
            )
            .option('--port <p>', 'with --hosts: the port every node listens on', '7000')
            .option('-r, --relays <count>', 'default relay limit of messages sent with the CLI', '1')
            .option('--log-level <level>', 'log level of the nodes', 'info')
            .option(
              '--cluster-key-file <file>',
              'shared cluster key for every node; recorded, so later commands authenticate with it',
            )
            .option('--insecure', 'let nodes listen beyond loopback without a cluster key')
            .option(
              '--tls',
              'mutual TLS: make a cluster CA and certificates for every node and the CLI in <home>/tls',
            )
            .option(
              '--metrics-base-port <p>',
              'node N serves Prometheus metrics on port p + N (default off)',
            ),
          DEFAULT_STRATEGY,
        ),
        { all: false },
      ),
    ).action(async (topology: string, parameter: string | undefined, options: Record<string, unknown>) => {
      const { startNetworkCommand } = await import('./commands/start-network.js');
      await startNetworkCommand(topology, parameter, options);
    }),
    [
      'gossip start-network',
      'gossip start-network circular -n 8',
      'gossip start-network random 3 --seed 42 -P',
      'gossip start-network powerlaw -n 32 --max-peers 5',
      'gossip start-network --home /tmp/net2 --base-port 9000',
      'gossip start-network --hosts 127.0.0.2-127.0.0.17 --port 7000',
      'openssl rand -hex 32 > cluster.key && gossip start-network --cluster-key-file cluster.key',
      'gossip start-network --tls',
      'gossip start-network random 6 --max-peers 6 --strategy push --fanout 2 --stop counter --stop-after 2',
      'gossip start-network --delay 20 --jitter 5 --loss 2',
      'gossip start-network --metrics-base-port 9100',
    ],
  );

  examples(
    common(
      strategyOptions(
        program
          .command('experiment')
          .description('run dissemination strategies on a fresh network and compare them with theory'),
        { ...DEFAULT_STRATEGY, name: 'push', repair: false },
      )
        .option('--compare <list>', 'several strategies, comma separated (overrides --strategy)')
        .option('-n, --nodes <n>', 'number of nodes (16 to 256)', '32')
        .option('--degree <d>', 'overlay: random d-regular graph (default: min(8, n-1))')
        .option('--messages <m>', 'messages to send, one after another', '3')
        .option('--seed <s>', 'seed of the overlay')
        .option('--base-port <p>', 'node N listens on base port + N (default: a free range in 20000-32000)')
        .option('--svg <file>', 'write an SVG chart of coverage over rounds')
        .option('--loss <percent>', 'lines lost on every link (seeded), 0-99')
        .option('--delay <ms>', 'every line waits this long on every link')
        .option(
          '--fail <fraction>',
          'this fraction of the nodes is stopped before the messages are sent, e.g. 0.25',
        ),
    ).action(async (options: Record<string, unknown>) => {
      const { experimentCommand } = await import('./commands/experiment.js');
      await experimentCommand(options);
    }),
    [
      'gossip experiment --strategy push --fanout 2 -n 64',
      'gossip experiment --compare push,pull,push-pull,anti-entropy -n 64 --svg coverage.svg',
      'gossip experiment --strategy push --stop coin --stop-after 1 -n 128 --json',
      'gossip experiment --compare push,pull,push-pull,anti-entropy,flood -n 32 --loss 10 --seed 11',
      'gossip experiment --strategy pull -n 64 --fail 0.25 --delay 50',
    ],
  );

  examples(
    common(
      program.command('stop-network').description('stop every node of the network and clear its state'),
    ).action(async (options: Record<string, unknown>) => {
      const { stopNetworkCommand } = await import('./commands/stop-network.js');
      await stopNetworkCommand(options);
    }),
    ['gossip stop-network'],
  );
}
