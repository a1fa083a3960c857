// `gossip partition <group> <group> [<group>...]` (e.g. 1-8 9-16; nodes named in no group form one more)
// and `gossip heal`: cut the links across groups, closed and refused until healed; heal clears every fault.

import { GossipError } from '../../errors.js';
import { healNetwork, partitionNetwork, recordNetworkFault } from '../../network/faults.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { planPartition } from '../../network/partition-plan.js';
import { requireState } from '../../network/state.js';
import { formatIds } from '../format/ids.js';
import { printResult } from '../output.js';

export async function partitionCommand(groupArgs: string[], options: Record<string, unknown>): Promise<void> {
  const state = await requireState(homePaths(resolveHome(options.home)));
  const live = state.nodes.filter((node) => !node.removed).map((node) => node.id);
  const plan = planPartition(groupArgs, live);
  if (!plan.ok) throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', plan.problem);
  const { unreachable } = await partitionNetwork(state, plan.groups);
  const named = plan.groups.map((group) => `{${formatIds(group)}}`).join(' | ');
  const missed = unreachable.length > 0 ? ` (not reached: ${formatIds(unreachable)})` : '';
  printResult(
    options as { json?: boolean },
    `partitioned: ${named}${missed}; links across are closed until: gossip heal`,
    { groups: plan.groups, unreachable },
  );
}

export async function healCommand(options: Record<string, unknown>): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const state = await requireState(paths);
  const { done, unreachable } = await healNetwork(state);
  await recordNetworkFault(paths, state, 'clear');
  const missed = unreachable.length > 0 ? ` (not reached: ${formatIds(unreachable)})` : '';
  printResult(
    options as { json?: boolean },
    `healed: every link fault and partition cleared on ${done.length} nodes${missed}`,
    { nodes: done.map((node) => node.node).sort((a, b) => a - b), unreachable },
  );
}
