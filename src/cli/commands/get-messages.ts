// `gossip get-messages <node> [unread | read | all] [-p | -pp | -ppp | -A] [-t...]`

import { fetchMessages } from '../../client/node-client.js';
import { GossipError } from '../../errors.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { parseVia } from '../../network/members-state.js';
import { resolveNode } from '../../network/resolve-node.js';
import { nodeName } from '../../protocol/replies.js';
import { type PathSelection, READ_FILTERS } from '../../protocol/request-types.js';
import { parseChoice } from '../args.js';
import { formatMessages } from '../format/messages.js';
import { printResult } from '../output.js';
import { describeTarget, ensureReachable } from './targets.js';

export function pathSelection(pathFlags: number, allPaths: boolean): PathSelection {
  if (allPaths && pathFlags > 0) {
    throw new GossipError('GOSSIP_ERR_USAGE', 'use either -p/-pp/-ppp or -A/--all-paths, not both');
  }
  if (pathFlags === 0) return 'all';
  return pathFlags === 1 ? 'shortest' : pathFlags === 2 ? 'longest' : 'shortest & longest';
}

export async function getMessagesCommand(
  node: string,
  filterArg: string,
  options: Record<string, unknown>,
): Promise<void> {
  const filter = parseChoice('the filter', filterArg, READ_FILTERS);
  const selection = pathSelection(Number(options.paths ?? 0), options.allPaths === true);
  const target = await resolveNode(homePaths(resolveHome(options.home)), node, parseVia(options.via));
  const reply = await ensureReachable(target, () => fetchMessages(target, filter, selection));
  const name = target.id === undefined ? nodeName(reply.node) : describeTarget(target);
  printResult(
    options as { json?: boolean },
    () => formatMessages({ nodeName: name, filter, selection }, reply.messages, Number(options.time ?? 0)),
    { node: reply.node, filter, paths: selection, messages: reply.messages },
  );
}
