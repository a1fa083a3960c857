// The commander program: every command's spelling, options and help. Actions are imported lazily so that
// `gossip node`, which the launcher starts 16 times, loads only what a node needs.

import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import {
  DEFAULT_STRATEGY,
  STOP_RULES,
  STRATEGIES,
  type StrategyConfig,
} from '../node/strategies/strategy-config.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const count = (_value: string, previous: number): number => previous + 1;

/** Options every command takes. */
function common(command: Command): Command {
  return command
    .option('--home <dir>', 'state directory of the network (default: $GOSSIP_HOME or ~/.gossip)')
    .option('--json', 'print machine-readable JSON instead of text');
}

/** Commands that name nodes by number: resolved through a node's member table instead of a state file. */
function viaOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--via <host:port>',
      'name nodes through the member table of this node, not a state file (compose, k8s, several hosts)',
    ).env('GOSSIP_VIA'),
  );
}

/** A node setting: `--max-paths <n>` is also read from GOSSIP_MAX_PATHS, and so on for every one. */
function nodeOption(flags: string, description: string): Option {
  const name = /^--([a-z-]+)/.exec(flags)?.[1] ?? '';
  return new Option(flags, description).env(`GOSSIP_${name.toUpperCase().replaceAll('-', '_')}`);
}

/** The options of `gossip node`, in the order --help lists them. */
function nodeOptions(): Option[] {
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
function strategyOptions(command: Command, defaults: StrategyConfig): Command {
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

function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`);
}

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
  const program = new Command('gossip')
    .description('A real, networked gossip cluster: one process per node, line-delimited TCP.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .hook('preAction', async (_program, action) => {
      if (!DIALS_NODES_OF_A_NETWORK.has(action.name())) return;
      const { useNetworkTls } = await import('./network-tls.js');
      const options = action.opts();
      await useNetworkTls({ home: options.home, via: options.via !== undefined });
    });

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

  return program;
}

/** The fault options of `link` (and, but --rate and --down, of `start-network`). */
function faultOptions(command: Command, { all = true } = {}): Command {
  command
    .option('--delay <ms>', 'every line waits this long')
    .option('--jitter <ms>', 'give or take up to this much')
    .option('--loss <percent>', 'whole lines dropped at random (seeded, repeatable)');
  if (all) command.option('--rate <kB/s>', 'a bandwidth cap').option('--down', 'a blackhole: nothing passes');
  return command;
}
