// Counters a node keeps and reports through /STATS: what it received, sent, dropped and refused.

export const COUNTER_NAMES = [
  'connectionsAccepted',
  'linesIn',
  'bytesIn',
  'messagesSubmitted',
  'messagesLearned',
  'relaysIn',
  'relaysAccepted',
  'relaysOverLimit',
  'relaysOut',
  'relayBytesOut',
  'queueOverflows',
  // Lines a link fault (gossip link --loss, --down) dropped on purpose.
  'linesLost',
  'requestErrors',
  'peerErrors',
  'messagesCaughtUp',
  'syncsServed',
  'linkConnects',
  'linkFailures',
  'eventsDropped',
  // /EVENTS subscribers closed because they had not read for MAX_STALL_MS (or gave their slot to a new one).
  'subscribersClosed',
  // Limits and authentication (see docs/operations.md, "Security and limits").
  'connectionsOpen',
  'connectionsRefused',
  'connectionsTimedOut',
  'readsPaused',
  'pathsDropped',
  'authAccepted',
  'peerAuthFailures',
  // Connections a TLS node refused (plaintext, no certificate, one the cluster CA did not sign, a failed
  // handshake); `errors` has them by reason (TLS_*).
  'tlsRefused',
  // Cluster membership (members/): /GOSSIP lines and bytes sent, and received.
  'gossipLinesOut',
  'gossipBytesOut',
  'gossipLinesIn',
  // Members this node came to see as suspect or dead (its own observation or news): 0 while all are alive.
  'membersSuspected',
  'membersDead',
  // Handshakes: HELLOs refused (unchecked, a stranger posing as another node, this node itself, full).
  'hellosRefused',
  // Dissemination strategies (start-network --strategy): pushes sent and their feedback, rumors dropped,
  // digests sent and answered, messages learned by pulling.
  'pushesOut',
  'pushesIn',
  'pushesUseful',
  'pushesUseless',
  'rumorsStopped',
  'pullsOut',
  'pullsServed',
  'messagesPulled',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];

export class Counters {
  readonly values: Record<CounterName, number>;
  /** Rejected requests per wire error code. */
  readonly errors: Record<string, number> = {};

  constructor() {
    this.values = Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as Record<CounterName, number>;
  }

  add(name: CounterName, amount = 1): void {
    this.values[name] += amount;
  }

  addError(code: string): void {
    this.values.requestErrors += 1;
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }
}
