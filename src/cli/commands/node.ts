// `gossip node`: one node in the foreground until SIGTERM/SIGINT, then a clean exit.

import { z } from 'zod';
import { GossipError } from '../../errors.js';
import { nodeConfigSchema } from '../../node/config.js';
import { runNode } from '../../node/run-node.js';

export async function runNodeCommand(options: Record<string, unknown>): Promise<void> {
  const parsed = nodeConfigSchema.safeParse(options);
  if (!parsed.success) {
    throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', z.prettifyError(parsed.error).replace(/\n\s*/g, '; '));
  }
  const running = await runNode(parsed.data);
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
