// `gossip link <a> <b> [--delay ms] [--jitter ms] [--loss %] [--rate kB/s] [--down] [--one-way] [--clear]`
// and `gossip link --all [...]`: a fault on one link (both directions unless --one-way) or on every link.

import { GossipError } from '../../errors.js';
import { faultEveryLink, faultLink, recordNetworkFault, requireLiveNode } from '../../network/faults.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { requireState } from '../../network/state.js';
import { describeFault, formatFaultSpec, NO_FAULT } from '../../protocol/fault-spec.js';
import { parseInteger } from '../args.js';
import { faultFromOptions } from '../fault-options.js';
import { formatIds } from '../format/ids.js';
import { printResult } from '../output.js';

export async function linkCommand(
  a: string | undefined,
  b: string | undefined,
  options: Record<string, unknown>,
): Promise<void> {
  const asked = faultFromOptions(options);
  if (options.clear === true && asked !== undefined)
    throw new GossipError('GOSSIP_ERR_USAGE', '--clear lifts a fault: give it no other fault option');
  if (options.clear !== true && asked === undefined)
    throw new GossipError(
      'GOSSIP_ERR_USAGE',
      'say which fault: --delay, --jitter, --loss, --rate or --down (or --clear to lift it)',
    );
  const fault = asked ?? NO_FAULT;
  const spec = formatFaultSpec(fault);
  const paths = homePaths(resolveHome(options.home));
  const state = await requireState(paths);
  const what = options.clear === true ? 'cleared' : describeFault(fault);
  if (options.all === true) {
    if (a !== undefined || options.oneWay === true)
      throw new GossipError('GOSSIP_ERR_USAGE', '--all takes no nodes and no --one-way: it sets every link');
    const { done, unreachable } = await faultEveryLink(state, spec);
    // Nodes restarted or added later start with it too.
    await recordNetworkFault(paths, state, spec);
    const missed = unreachable.length > 0 ? `; not reached: ${formatIds(unreachable)}` : '';
    printResult(options as { json?: boolean }, `every link: ${what} (${done.length} nodes${missed})`, {
      fault,
      nodes: done,
      unreachable,
    });
    return;
  }
  if (a === undefined || b === undefined)
    throw new GossipError(
      'GOSSIP_ERR_USAGE',
      'name the two ends of the link (gossip link 1 2 --delay 100), or --all',
    );
  const from = requireLiveNode(state, parseInteger('<a>', a, 1, Number.MAX_SAFE_INTEGER));
  const to = requireLiveNode(state, parseInteger('<b>', b, 1, Number.MAX_SAFE_INTEGER));
  if (from.id === to.id) throw new GossipError('GOSSIP_ERR_USAGE', 'a link joins two different nodes');
  const oneWay = options.oneWay === true;
  const nodes = await faultLink(state, from, to, spec, oneWay);
  const arrow = oneWay ? '->' : '<->';
  printResult(options as { json?: boolean }, `link ${from.id} ${arrow} ${to.id}: ${what}`, {
    from: from.id,
    to: to.id,
    oneWay,
    fault,
    nodes,
  });
}
