// The reference layout of `get-messages`: a header, then a bullet per message and an arrow line per path.

import type { MessageView } from '../../protocol/replies.js';
import type { PathSelection, ReadFilter } from '../../protocol/request-types.js';
import { withOriginTime } from './time.js';

export interface ListingHeader {
  nodeName: string;
  filter: ReadFilter;
  selection: PathSelection;
}

export function formatPath(path: readonly number[]): string {
  return path.join(' ➜ ');
}

export function formatMessages(
  header: ListingHeader,
  messages: readonly MessageView[],
  timeDetail: number,
): string {
  const which = header.filter === 'all' ? 'all messages' : `${header.filter} messages`;
  const lines = [`Fetched ${which} from ${header.nodeName}; showing ${header.selection} path(s):`];
  if (messages.length === 0) lines.push('', '(no messages)');
  for (const message of messages) {
    lines.push('', `• ${withOriginTime(message.text, BigInt(message.originNs), timeDetail)}`);
    for (const record of message.paths) {
      // A path pulled from a peer (by catch-up after a failure, or by a pull strategy) says so: the last hop
      // answered a request rather than forwarding on its own.
      const pulled = record.via === 'catch-up' || record.via === 'pull';
      lines.push(`  ↳ ${formatPath(record.path)}${pulled ? ` (${record.via})` : ''}`);
    }
  }
  return lines.join('\n');
}
