// `gossip node`: one node in the foreground until SIGTERM/SIGINT, then a clean exit.

import { GossipError } from '../../errors.js';
import { parseNodeConfig } from '../../node/config.js';
import { runNode } from '../../node/run-node.js';

export async function runNodeCommand(options: Record<string, unknown>): Promise<void> {
  const parsed = parseNodeConfig(options);
  if (!parsed.ok) throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', parsed.problems.join('; '));
  const running = await runNode(parsed.config);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      running.log.logger.info({ signal }, 'node.stopping');
      resolve();
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  await running.stop();
}
