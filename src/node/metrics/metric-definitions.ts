// What Prometheus sees of a node, named by its conventions (`gossip_..._total`, base units): which /STATS
// counter becomes which metric, and the samples the delivery histograms take. Pure: no prom-client here.

import { originNsToMs, parseMessageId } from '../../protocol/message-id.js';
import type { CounterName } from '../counters.js';

export interface CounterMetric {
  name: string;
  help: string;
  /** A gauge for the one "counter" that goes down again (open connections). */
  type: 'counter' | 'gauge';
}

const counter = (name: string, help: string): CounterMetric => ({ name, help, type: 'counter' });

/**
 * The node's counters as metrics. `requestErrors` is left out: `gossip_request_errors_total{code}` splits it
 * by code. A counter added to counters.ts later is exported under a derived name (see counterMetric).
 */
export const COUNTER_METRICS: Partial<Record<CounterName, CounterMetric>> = {
  messagesSubmitted: counter('gossip_messages_submitted_total', 'Messages clients submitted to this node.'),
  messagesLearned: counter(
    'gossip_messages_learned_total',
    'Messages this node stored for the first time (submitted here or delivered by any route).',
  ),
  relaysIn: counter('gossip_relays_received_total', 'Relay lines received from peers.'),
  relaysAccepted: counter('gossip_relays_accepted_total', 'Relay lines within the relay limit.'),
  relaysOverLimit: counter(
    'gossip_relays_over_limit_total',
    'Arrivals dropped because the sender had used up the relay limit.',
  ),
  relaysOut: counter('gossip_relays_sent_total', 'Relay lines sent to peers.'),
  relayBytesOut: counter('gossip_relay_sent_bytes_total', 'Bytes of relay lines sent to peers.'),
  bytesIn: counter('gossip_received_bytes_total', 'Bytes received by the node server (clients and peers).'),
  linesIn: counter('gossip_received_lines_total', 'Request lines received by the node server.'),
  pathsDropped: counter(
    'gossip_paths_dropped_total',
    'Arrival paths not stored because the message had --max-paths already.',
  ),
  messagesCaughtUp: counter('gossip_messages_caught_up_total', 'Messages learned by catch-up (/SYNC).'),
  syncsServed: counter('gossip_syncs_served_total', 'Catch-up pages served to peers.'),
  queueOverflows: counter('gossip_queue_overflows_total', 'Lines dropped because a peer queue was full.'),
  peerErrors: counter('gossip_peer_errors_total', 'Lines from peers that were refused or not understood.'),
  linkConnects: counter('gossip_link_connects_total', 'Peer links that came up.'),
  linkFailures: counter('gossip_link_failures_total', 'Peer links that went down or could not connect.'),
  eventsDropped: counter('gossip_events_dropped_total', 'Events not sent to slow /EVENTS subscribers.'),
  connectionsAccepted: counter('gossip_connections_accepted_total', 'Connections accepted.'),
  connectionsOpen: { name: 'gossip_connections_open', help: 'Connections open now.', type: 'gauge' },
  connectionsRefused: counter(
    'gossip_connections_refused_total',
    'Connections refused over --max-connections.',
  ),
  connectionsTimedOut: counter('gossip_connections_timed_out_total', 'Idle connections closed.'),
  readsPaused: counter(
    'gossip_reads_paused_total',
    'Times a connection was no longer read because it left replies unread.',
  ),
  authAccepted: counter('gossip_auth_accepted_total', 'Connections that authenticated with the cluster key.'),
  peerAuthFailures: counter(
    'gossip_peer_auth_refusals_total',
    "Times a peer refused this node's authentication.",
  ),
  tlsRefused: counter(
    'gossip_tls_refusals_total',
    'Connections refused by TLS: plaintext, no certificate, one the cluster CA did not sign, a failed handshake.',
  ),
  pushesOut: counter('gossip_pushes_sent_total', 'Strategy pushes sent.'),
  pushesIn: counter('gossip_pushes_received_total', 'Strategy pushes received.'),
  pushesUseful: counter('gossip_pushes_useful_total', 'Pushes sent that were news to the receiver.'),
  pushesUseless: counter('gossip_pushes_useless_total', 'Pushes sent that the receiver already had.'),
  rumorsStopped: counter('gossip_rumors_stopped_total', 'Rumors this node stopped pushing.'),
  pullsOut: counter('gossip_pulls_sent_total', 'Strategy digests sent.'),
  pullsServed: counter('gossip_pulls_served_total', 'Strategy digests answered.'),
  messagesPulled: counter('gossip_messages_pulled_total', 'Messages learned by pulling.'),
};

/** Counters that are exported differently (requestErrors: per code, in gossip_request_errors_total). */
const NOT_EXPORTED: ReadonlySet<string> = new Set(['requestErrors']);

/** The metric of a /STATS counter, or undefined for one exported another way. */
export function counterMetric(name: string): CounterMetric | undefined {
  if (NOT_EXPORTED.has(name)) return undefined;
  const known = COUNTER_METRICS[name as CounterName];
  if (known !== undefined) return known;
  const snake = name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return counter(`gossip_${snake}_total`, `The node's ${name} counter (/STATS).`);
}

/** Wire error codes that are authentication refusals, by mechanism: the cluster key (AUTH_*) or TLS (TLS_*). */
export function authRefusalMechanism(code: string): string | undefined {
  if (code.startsWith('AUTH_')) return 'cluster_key';
  return code.startsWith('TLS_') ? 'tls' : undefined;
}

/** Seconds from 1 ms to a minute: a loaded cluster delivers in ms, a catch-up after a restart in seconds. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
/** Hops of a first arrival: 16 nodes with 3 peers reach everyone within a handful. */
export const HOP_BUCKETS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32];

/**
 * Seconds from a message's origin time (in its id) to its arrival here, or undefined for an id without one.
 * Never negative: across hosts the clocks may disagree a little.
 */
export function deliveryLatencySeconds(id: string, atMs: number): number | undefined {
  const parsed = parseMessageId(id);
  if (parsed === undefined) return undefined;
  return Math.max(0, (atMs - originNsToMs(parsed.originNs)) / 1000);
}
