// The fault options of `gossip link` and `start-network` (--delay, --jitter, --loss, --rate, --down) as the
// wire spells a fault, checked as a node would check them.

import { GossipError } from '../errors.js';
import { formatFaultSpec, type LinkFault, parseFaultSpec } from '../protocol/fault-spec.js';

/** The fault the options ask for (undefined when they ask for none). */
export function faultFromOptions(options: Record<string, unknown>): LinkFault | undefined {
  const parts = [
    ...(options.delay === undefined ? [] : [`delay=${String(options.delay)}`]),
    ...(options.jitter === undefined ? [] : [`jitter=${String(options.jitter)}`]),
    ...(options.loss === undefined ? [] : [`loss=${String(options.loss)}`]),
    ...(options.rate === undefined ? [] : [`rate=${String(options.rate)}`]),
    ...(options.down === true ? ['down'] : []),
  ];
  if (parts.length === 0) return undefined;
  const parsed = parseFaultSpec(parts.join(','));
  if (!parsed.ok) throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', `bad fault: ${parsed.problem}`);
  return parsed.fault;
}

/** The wire spelling of the options' fault, `clear` for none. */
export function faultSpecFromOptions(options: Record<string, unknown>): string {
  const fault = faultFromOptions(options);
  return fault === undefined ? 'clear' : formatFaultSpec(fault);
}
