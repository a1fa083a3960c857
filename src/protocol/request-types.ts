// What a request line parses into: the typed requests a node takes, the result of parsing one, and the
// limits a node parses with. The parsers are in requests.ts and the *-requests.ts files.

import type { PeerAddress } from './address.js';
import type { AuthLine } from './auth.js';
import type { WireError } from './errors.js';
import type { LinkFault } from './fault-spec.js';
import { MAX_TEXT_BYTES } from './limits.js';
import type { GossipEntry } from './member-lines.js';

export const READ_FILTERS = ['unread', 'read', 'all'] as const;
export type ReadFilter = (typeof READ_FILTERS)[number];

/** The reference spells "both" as `shortest & longest`. */
export const PATH_SELECTIONS = ['all', 'shortest', 'longest', 'shortest & longest'] as const;
export type PathSelection = (typeof PATH_SELECTIONS)[number];

export type Request =
  | { type: 'new'; relays: number; text: string }
  | {
      type: 'relay';
      relays: number;
      id: string;
      path: number[];
      clock?: number;
      /** The id as JSON and the path as comma-separated ids: a relay on reuses them (`..,[<pathText>,<self>]`). */
      idJson: string;
      pathText: string;
    }
  | { type: 'push'; relays: number; id: string; path: number[]; clock: number }
  | { type: 'pull'; exchange: boolean; digest: string[] }
  | { type: 'get'; filter: ReadFilter; paths: PathSelection }
  | { type: 'messages'; filter: ReadFilter; paths: PathSelection; peek: boolean }
  | { type: 'lookup'; query: string }
  | { type: 'events' }
  | { type: 'peers' }
  | { type: 'hello'; address: PeerAddress; home: boolean; join: boolean }
  | { type: 'verify'; asker: number; nonce: string }
  | { type: 'prove'; nonce: string }
  | { type: 'leave' }
  | { type: 'splice'; old: number; peer: PeerAddress }
  | { type: 'fault'; target: number | '*'; fault: LinkFault; seed?: number }
  | { type: 'partition'; cut: number[] }
  | { type: 'faults' }
  | { type: 'gossip'; entries: GossipEntry[]; refused: number }
  | { type: 'members' }
  | { type: 'walk'; ttl: number; origin: PeerAddress }
  | { type: 'ping' }
  | { type: 'sync'; from: number; epoch: number }
  | { type: 'remove'; nodeId: number }
  | { type: 'stats' }
  | { type: 'health' }
  | ({ type: 'auth' } & AuthLine);

export type ParseResult = { ok: true; request: Request } | { ok: false; error: WireError };

/** What a node allows in one request, beyond the line cap that framing enforces. */
export interface RequestLimits {
  /** Longest message text in bytes (UTF-8), in `/NEW` and in the ids of `/RELAY`. */
  maxTextBytes: number;
}

export const DEFAULT_LIMITS: RequestLimits = { maxTextBytes: MAX_TEXT_BYTES };
