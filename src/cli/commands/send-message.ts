// `gossip send-message <node> <message...> [-r <count>]`

import { submitMessage } from '../../client/node-client.js';
import { GossipError } from '../../errors.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { parseVia } from '../../network/members-state.js';
import { resolveNode } from '../../network/resolve-node.js';
import { CONTROL_CHARACTERS } from '../../protocol/limits.js';
import { nodeName } from '../../protocol/replies.js';
import { parseRelays } from '../args.js';
import { printResult } from '../output.js';
import { describeTarget, ensureReachable } from './targets.js';

export async function sendMessageCommand(
  node: string,
  words: string[],
  options: Record<string, unknown>,
): Promise<void> {
  const text = words.join(' ');
  if (text.trim() === '') throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', 'the message is empty');
  if (CONTROL_CHARACTERS.test(text)) {
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      'the message holds control characters (newlines, tabs, ...)',
    );
  }
  const target = await resolveNode(homePaths(resolveHome(options.home)), node, parseVia(options.via));
  const relays = parseRelays(options.relays ?? target.state?.relays ?? 1);
  const reply = await ensureReachable(target, () => submitMessage(target, text, relays));
  const id = reply.node ?? target.id;
  const name = id === undefined ? describeTarget(target) : nodeName(id);
  printResult(options as { json?: boolean }, `Message sent to ${name}`, {
    node: id ?? null,
    id: reply.id,
    relays,
  });
}
