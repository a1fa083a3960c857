// The shapes commands share: common options (--home, --json), --via, the node settings and their environment
// variables, the strategy and fault options, and the examples under each command's help.

import { type Command, Option } from 'commander';
import { STOP_RULES, STRATEGIES, type StrategyConfig } from '../node/strategies/strategy-config.js';

export const count = (_value: string, previous: number): number => previous + 1;

/** Options every command takes. */
export function common(command: Command): Command {
  return command
    .option('--home <dir>', 'state directory of the network (default: $GOSSIP_HOME or ~/.gossip)')
    .option('--json', 'print machine-readable JSON instead of text');
}

/** Commands that name nodes by number: resolved through a node's member table instead of a state file. */
export function viaOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--via <host:port>',
      'name nodes through the member table of this node, not a state file (compose, k8s, several hosts)',
    ).env('GOSSIP_VIA'),
  );
}

/** A node setting: `--max-paths <n>` is also read from GOSSIP_MAX_PATHS, and so on for every one. */
export function nodeOption(flags: string, description: string): Option {
  const name = /^--([a-z-]+)/.exec(flags)?.[1] ?? '';
  return new Option(flags, description).env(`GOSSIP_${name.toUpperCase().replaceAll('-', '_')}`);
}

/** The options of `gossip node`, in the order --help lists them. */
export function nodeOptions(): Option[] {
  return [
    nodeOption('--id <n>', 'node id (a positive integer)').makeOptionMandatory(),
    nodeOption('--port <p>', 'TCP port to listen on').makeOptionMandatory(),
    nodeOption('--host <addr>', 'address to listen on').default('127.0.0.1'),
    nodeOption(
      '--advertise <host:port>',
      'address other nodes use to reach this one (default: --host:--port)',
    ),
    nodeOption('--peers <list>', 'peers as <id>@<host>:<port>, comma separated'),
    nodeOption('--data-dir <dir>', 'directory for the node data'),
    nodeOption('--log-file <file>', 'write NDJSON logs here instead of stdout'),
    nodeOption('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent').default('info'),
    nodeOption('--max-line-bytes <n>', 'cap on one request line, in bytes'),
    nodeOption('--max-queue <n>', 'cap on lines queued for one peer'),
    nodeOption('--max-peers <k>', 'most peers this node accepts (default 3)'),
    nodeOption('--join <list>', 'nodes to join through when starting with no peers, <id>@<host>:<port>,...'),
    nodeOption(
      '--failure-timeout-ms <ms>',
      'a silent peer is declared failed after this long (default 1500)',
    ),
    nodeOption('--heartbeat-ms <ms>', 'heartbeat period on peer links (default 300)'),
    nodeOption(
      '--cluster-key-file <file>',
      'file with the shared cluster key (or the key in GOSSIP_CLUSTER_KEY): relays, membership and removal must authenticate',
    ),
    nodeOption('--cluster-key <key>', 'the cluster key itself, from the environment only').hideHelp(),
    nodeOption(
      '--tls-cert <file>',
      "this node's certificate (PEM): with --tls-key and --tls-ca, mutual TLS on every connection",
    ),
    nodeOption('--tls-key <file>', "this node's private key (PEM)"),
    nodeOption(
      '--tls-ca <file>',
      'the cluster CA (PEM): peers and clients must show a certificate it signed',
    ),
    new Option('--insecure', 'allow listening beyond loopback without a cluster key (warns)').default(false),
    nodeOption(
      '--allow-faults',
      'take link fault and partition requests (gossip link, partition; start-network sets it)',
    ),
    nodeOption(
      '--faults <spec>',
      'every link starts with this fault, e.g. delay=50,jitter=10,loss=5 (see gossip link)',
    ),
    nodeOption('--max-text-bytes <n>', 'cap on a message text (default 16384)'),
    nodeOption('--max-connections <n>', 'cap on open connections (default 2048)'),
    nodeOption('--idle-timeout-ms <ms>', 'close a client connection idle this long (default 30000)'),
    nodeOption(
      '--max-requests-per-second <n>',
      'request lines per second per client connection (default 5000)',
    ),
    nodeOption(
      '--max-reply-buffer-bytes <n>',
      'unread replies held for a connection before it is no longer read (default 262144)',
    ),
    nodeOption('--max-queue-bytes <n>', 'cap on bytes queued for one peer (default 33554432)'),
    nodeOption('--max-paths <n>', 'arrival paths stored per message (default 64)'),
    nodeOption(
      '--fsync <policy>',
      "when a /NEW is acknowledged: always (written and fdatasync'd), interval (written; synced within --fsync-interval-ms; default), never",
    ),
    nodeOption(
      '--fsync-interval-ms <ms>',
      'policy interval: longest time from a write to its fdatasync (default 100)',
    ),
    nodeOption('--strategy <name>', 'flood (default), push, pull, push-pull or anti-entropy'),
    nodeOption('--fanout <k>', 'peers contacted per round (default 2)'),
    nodeOption('--round-ms <ms>', 'round length (default 100)'),
    nodeOption('--stop <rule>', 'push: counter (default) or coin'),
    nodeOption('--stop-after <n>', 'push: useless pushes before stopping, or 1/n coin (default 2)'),
    nodeOption('--repair <on|off>', 'background anti-entropy between neighbours (default on)'),
    nodeOption(
      '--metrics-port <p>',
      'serve Prometheus metrics on this port of --host, GET /metrics (default off)',
    ),
  ];
}

/** The dissemination-strategy options of start-network and experiment (read by parseStrategyOptions). */
export function strategyOptions(command: Command, defaults: StrategyConfig): Command {
  return command
    .option('--strategy <name>', STRATEGIES.join(' | '), defaults.name)
    .option('--fanout <k>', 'peers contacted per round', String(defaults.fanout))
    .option('--round-ms <ms>', 'round length of the round-based strategies', String(defaults.roundMs))
    .option('--stop <rule>', `push: ${STOP_RULES.join(' | ')}`, defaults.stop)
    .option(
      '--stop-after <n>',
      'push: useless pushes before stopping (coin: probability 1/n)',
      String(defaults.stopAfter),
    )
    .option(
      '--repair <on|off>',
      'background anti-entropy between neighbours',
      defaults.repair ? 'on' : 'off',
    );
}

export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`);
}

/** The fault options of `link` (and, but --rate and --down, of `start-network`). */
export function faultOptions(command: Command, { all = true } = {}): Command {
  command
    .option('--delay <ms>', 'every line waits this long')
    .option('--jitter <ms>', 'give or take up to this much')
    .option('--loss <percent>', 'whole lines dropped at random (seeded, repeatable)');
  if (all) command.option('--rate <kB/s>', 'a bandwidth cap').option('--down', 'a blackhole: nothing passes');
  return command;
}
