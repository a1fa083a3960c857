// The commands that break the network on purpose: link, partition, heal, faults, chaos.

import type { Command } from 'commander';
import { common, examples, faultOptions } from './program-options.js';

export function addFaultCommands(program: Command): void {
  examples(
    common(
      faultOptions(
        program
          .command('link')
          .description(
            'put a fault on a link (both directions unless --one-way), or on every link with --all',
          )
          .argument('[a]', 'node number at one end')
          .argument('[b]', 'node number at the other end'),
      )
        .option('--one-way', 'only what a sends to b')
        .option('--all', 'every link of the network')
        .option('--clear', 'lift the fault'),
    ).action(async (a: string | undefined, b: string | undefined, options: Record<string, unknown>) => {
      const { linkCommand } = await import('./commands/link.js');
      await linkCommand(a, b, options);
    }),
    [
      'gossip link 1 2 --delay 100 --jitter 20',
      'gossip link 3 4 --loss 30 --one-way',
      'gossip link 5 6 --down',
      'gossip link --all --loss 10',
      'gossip link 1 2 --clear',
    ],
  );

  examples(
    common(
      program
        .command('partition')
        .description('cut the network into groups: links across are closed and refused until healed')
        .argument('<groups...>', 'node groups like 1-8 or 1,3,5; nodes in no group form one more'),
    ).action(async (groups: string[], options: Record<string, unknown>) => {
      const { partitionCommand } = await import('./commands/partition.js');
      await partitionCommand(groups, options);
    }),
    ['gossip partition 1-8 9-16', 'gossip partition 1,3,5 2,4,6', 'gossip partition 1-4'],
  );

  examples(
    common(program.command('heal').description('clear every link fault and partition')).action(
      async (options: Record<string, unknown>) => {
        const { healCommand } = await import('./commands/partition.js');
        await healCommand(options);
      },
    ),
    ['gossip heal'],
  );

  examples(
    common(
      program.command('faults').description('the link faults and partition in force, per link and direction'),
    ).action(async (options: Record<string, unknown>) => {
      const { faultsCommand } = await import('./commands/faults.js');
      await faultsCommand(options);
    }),
    ['gossip faults', 'gossip faults --json'],
  );

  examples(
    common(
      program
        .command('chaos')
        .description(
          'break the running network on a seeded schedule while clients send, heal it, and check the history',
        )
        .option('--duration <s>', 'seconds of workload and faults', '30')
        .option('--rate <msgs/s>', 'client messages per second, each to a random live node', '10')
        .option(
          '--faults <list>',
          'fault kinds, comma separated',
          'kill,stop,partition,loss,delay,remove,restart,add',
        )
        .option('--seed <s>', 'seed of the schedule (same seed, same schedule); default: random, printed')
        .option('--history <file>', 'write the history (NDJSON: workload, faults, observations) here')
        .option('--start', 'start a network first (in --home) and stop it at the end')
        .option('-n, --nodes <n>', 'with --start: number of nodes', '16')
        .option('--base-port <p>', 'with --start: node N listens on base port + N', '7000')
        .option('--check <file>', 'check a history written earlier instead of running'),
    ).action(async (options: Record<string, unknown>) => {
      const { chaosCommand } = await import('./commands/chaos.js');
      await chaosCommand(options);
    }),
    [
      'gossip chaos --duration 20 --seed 7',
      'gossip chaos --faults kill,partition --rate 50 --history chaos.ndjson',
      'gossip chaos --start -n 8 --duration 15 --seed 7 --home /tmp/chaos --base-port 9000',
      'gossip chaos --check chaos.ndjson',
    ],
  );
}
