// The events a node emits as it decides and records: logs, the event feed, metrics and dashboards subscribe.

import type { FaultView } from './faults/fault-table.js';
import type { Member } from './members/member-table.js';
import type { ArrivalVia } from './message-store.js';

export interface NodeEvents {
  'message.accepted': [{ id: string; relays: number }];
  'message.delivered': [
    { id: string; path: readonly number[]; atMs: number; first: boolean; via: ArrivalVia },
  ];
  'message.relayed': [{ id: string; to: readonly number[] }];
  'relay.over-limit': [{ id: string; sender: number }];
  'link.up': [{ peer: number; address: string }];
  'link.down': [{ peer: number; address: string; reason: string; wasUp: boolean }];
  'link.overflow': [{ peer: number; dropped: number }];
  'link.auth-refused': [{ peer: number; line: string }];
  'peer.reply': [{ peer: number; line: string }];
  'peer.added': [{ peer: number; address: string; reason: string }];
  'peer.dropped': [{ peer: number; address: string; reason: string }];
  'sync.received': [{ peer: number; learned: number; more: boolean }];
  'hello.refused': [{ claim: number; address: string; reason: string }];
  /** The link faults or the partition changed. */
  'link.faults': [FaultView];
  /** The node was asked to leave and told its peers; whoever runs it stops it now. */
  'node.left': [{ told: readonly number[] }];
  /** A member's record changed in this node's table (members/). */
  'member.changed': [Member];
}
