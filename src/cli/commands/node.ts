// `gossip node`: one node in the foreground until SIGTERM/SIGINT (or until it is asked to leave the
// cluster, /LEAVE), then a clean exit.

import { GossipError } from '../../errors.js';
import { parseNodeConfig } from '../../node/config.js';
import { runNode } from '../../node/run-node.js';

export async function runNodeCommand(
  options: Record<string, unknown>,
  /** Where each option came from: a cluster key given as a flag would be visible to every user in `ps`. */
  sourceOf: (option: string) => string | undefined,
): Promise<void> {
  if (options.clusterKey !== undefined && sourceOf('clusterKey') !== 'env') {
    throw new GossipError(
      'GOSSIP_ERR_USAGE',
      'a cluster key on the command line is visible to every user (ps); use --cluster-key-file <file> or GOSSIP_CLUSTER_KEY',
    );
  }
  const parsed = parseNodeConfig(options);
  if (!parsed.ok) throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', parsed.problems.join('; '));
  const running = await runNode(parsed.config);
  if (running.warning !== undefined) process.stderr.write(`warning: ${running.warning}\n`);
  const signalled = new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      running.log.logger.info({ signal }, 'node.stopping');
      resolve();
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  const left = running.left.then(() => running.log.logger.info('node.leaving'));
  await Promise.race([signalled, left]);
  await running.stop();
}
