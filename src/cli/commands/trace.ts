// `gossip trace <message-id | text>`: the propagation tree of a message, gathered from every live node of
// the network (`/LOOKUP`, which marks nothing read): who delivered it to whom, when, and the redundant copies.

import { lookupEverywhere } from '../../client/lookup-everywhere.js';
import { GossipError } from '../../errors.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { parseVia, requireCluster } from '../../network/members-state.js';
import { arrivalsFrom, chooseMessage, originMs } from '../../propagation/from-listings.js';
import { buildPropagationTree } from '../../propagation/tree.js';
import { CONTROL_CHARACTERS } from '../../protocol/limits.js';
import { formatClockTime } from '../format/time.js';
import { formatTrace, type TraceReport } from '../format/trace.js';
import { printResult } from '../output.js';

export async function traceCommand(words: string[], options: Record<string, unknown>): Promise<void> {
  const query = words.join(' ');
  if (query.trim() === '') throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', 'give a message id or its text');
  if (CONTROL_CHARACTERS.test(query)) {
    throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', 'a message id or text holds no control characters');
  }
  const paths = homePaths(resolveHome(options.home));
  const state = await requireCluster(paths, parseVia(options.via));
  const live = state.nodes.filter((node) => !node.removed);
  const { listings, failed } = await lookupEverywhere(live, query);
  if (listings.length === 0) {
    throw new GossipError(
      'GOSSIP_ERR_NODE_UNREACHABLE',
      `no node of the network answered (${failed[0]?.reason ?? 'none is running'}); see: gossip status`,
    );
  }
  const { chosen, others } = chooseMessage(listings, query);
  if (chosen === undefined) {
    throw new GossipError(
      'GOSSIP_ERR_UNKNOWN_MESSAGE',
      `no node holds a message with the id or text "${query}"; see: gossip get-messages <node>`,
    );
  }
  const tree = buildPropagationTree(arrivalsFrom(listings, chosen.id), {
    origin: chosen.origin,
    submittedAtMs: originMs(chosen),
  });
  const report: TraceReport = {
    id: chosen.id,
    text: chosen.text,
    tree,
    notReached: listings
      .filter((listing) => !listing.messages.some((message) => message.id === chosen.id))
      .map((listing) => listing.node),
    failed,
    removed: state.nodes.filter((node) => node.removed).map((node) => node.id),
    others: others.map((message) => message.id),
  };
  printResult(options as { json?: boolean }, () => formatTrace(report, formatClockTime), {
    id: report.id,
    text: report.text,
    origin: tree.origin,
    submittedAtMs: tree.submittedAtMs,
    reached: tree.reached,
    arrivals: tree.arrivals,
    redundant: tree.redundant,
    last: tree.last ?? null,
    nodes: tree.nodes.map((node) => ({
      ...node,
      parent: node.parent ?? null,
      afterMs: node.afterMs ?? null,
      hopMs: node.hopMs ?? null,
      via: node.via ?? null,
    })),
    notReached: report.notReached,
    failed: report.failed,
    removed: report.removed,
    others: report.others,
  });
}
