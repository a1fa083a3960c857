// `gossip members [--via <host:port>] [--json]`: every member of the cluster with its state, address, peers,
// incarnation and when it was last heard of, as one node's table says (by gossip). Without --via, that node
// is the first live one of the network in the state file.

import { fetchMembers } from '../../client/node-client.js';
import { GossipError } from '../../errors.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { parseVia } from '../../network/members-state.js';
import { requireState } from '../../network/state.js';
import type { MemberView } from '../../protocol/replies.js';
import { formatDuration, renderTable } from '../format/table.js';
import { printResult } from '../output.js';

export async function membersCommand(options: Record<string, unknown>): Promise<void> {
  const { node, members } = await membersFrom(options);
  const count = (state: MemberView['state']) => members.filter((member) => member.state === state).length;
  const summary = (['alive', 'suspect', 'dead', 'left'] as const)
    .map((state) => `${count(state)} ${state}`)
    .join(', ');
  const human = (): string =>
    [
      `Members as Gossip-Node-${node} knows them: ${members.length} (${summary})`,
      '',
      renderTable(
        ['ID', 'ADDRESS', 'STATE', 'PEERS', 'INCARNATION', 'HEARTBEAT', 'LAST HEARD'],
        members.map((member) => [
          String(member.id),
          member.address,
          member.state,
          member.peers.join(',') || '-',
          String(member.incarnation),
          String(member.heartbeat),
          member.lastHeardMs < 1_000
            ? `${member.lastHeardMs} ms ago`
            : `${formatDuration(member.lastHeardMs)} ago`,
        ]),
      ),
    ].join('\n');
  printResult(options as { json?: boolean }, human, { node, members });
}

async function membersFrom(
  options: Record<string, unknown>,
): Promise<{ node: number; members: MemberView[] }> {
  const via = parseVia(options.via);
  if (via !== undefined) return fetchMembers(via);
  const state = await requireState(homePaths(resolveHome(options.home)));
  for (const entry of state.nodes.filter((candidate) => !candidate.removed)) {
    const answer = await fetchMembers(entry, 2_000).catch(() => undefined);
    if (answer !== undefined) return answer;
  }
  throw new GossipError('GOSSIP_ERR_NODE_UNREACHABLE', 'no node of the network answered; see: gossip status');
}
