// A node's metrics in a prom-client registry. Counters and gauges are read from the node when Prometheus
// scrapes (its Counters and its /STATS view: no work per message); only the two delivery histograms listen
// to the node, on 'message.delivered', and only while metrics are on.

import type promClient from 'prom-client';
import type { Gauge } from 'prom-client';
import type { StatsReply } from '../../protocol/replies.js';
import type { GossipNode } from '../gossip-node.js';
import type { NodeEvents } from '../node-events.js';
import {
  authRefusalMechanism,
  counterMetric,
  deliveryLatencySeconds,
  HOP_BUCKETS,
  LATENCY_BUCKETS_SECONDS,
} from './metric-definitions.js';

/** prom-client's exports (it is CommonJS: they arrive as the default export of a dynamic import). */
export type PromClient = typeof promClient;

/** Default metrics of prom-client 15 that are gauges with a `_total` suffix. */
const MISNAMED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** What the metrics read of a node. */
export type MetricsSource = Pick<GossipNode, 'id' | 'events' | 'counters' | 'stats'>;

export interface NodeMetrics {
  /** The Content-Type of what render() returns (the Prometheus text format). */
  readonly contentType: string;
  /** Every metric as Prometheus text, read from the node now. */
  render(): Promise<string>;
  /** Stops listening to the node. */
  close(): void;
}

export function createNodeMetrics(prom: PromClient, node: MetricsSource): NodeMetrics {
  const registry = new prom.Registry();
  registry.setDefaultLabels({ node: String(node.id) });
  prom.collectDefaultMetrics({ register: registry });
  // Gauges that prom-client names like counters (promtool rejects them); nodejs_active_* by type remain.
  for (const misnamed of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(misnamed);
  const registers = [registry];
  // One /STATS view per scrape, taken by render() before the collect() callbacks read it.
  let stats: StatsReply = node.stats(process.pid);

  for (const name of Object.keys(node.counters.values)) {
    const metric = counterMetric(name);
    if (metric === undefined) continue;
    const read = (): number => stats.counters[name] ?? 0;
    const { name: metricName, help } = metric;
    if (metric.type === 'gauge') {
      new prom.Gauge({ name: metricName, help, registers, collect: gaugeOf(read) });
    } else {
      new prom.Counter({
        name: metricName,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    }
  }
  new prom.Counter({
    name: 'gossip_request_errors_total',
    help: 'Requests refused, by wire error code.',
    labelNames: ['code'],
    registers,
    collect() {
      this.reset();
      for (const [code, count] of Object.entries(stats.errors)) this.inc({ code }, count);
    },
  });
  new prom.Counter({
    name: 'gossip_auth_refusals_total',
    help: 'Connections this node refused to authenticate, by mechanism and error code.',
    labelNames: ['mechanism', 'code'],
    registers,
    collect() {
      this.reset();
      for (const [code, count] of Object.entries(stats.errors)) {
        const mechanism = authRefusalMechanism(code);
        if (mechanism !== undefined) this.inc({ mechanism, code }, count);
      }
    },
  });

  const gauges: Array<[string, string, () => number]> = [
    ['gossip_peers', 'Peers this node holds, linked or not.', () => stats.peers.length],
    [
      'gossip_peers_up',
      'Peers whose link is up.',
      () => stats.peers.filter((peer) => peer.state === 'up').length,
    ],
    ['gossip_messages_held', 'Messages this node stores.', () => stats.messages],
    ['gossip_lamport_clock', "This node's Lamport clock.", () => stats.clock ?? 0],
    ['gossip_hot_rumors', 'Messages this node still pushes as rumors.', () => stats.hotRumors ?? 0],
  ];
  for (const [name, help, read] of gauges) new prom.Gauge({ name, help, registers, collect: gaugeOf(read) });
  new prom.Gauge({
    name: 'gossip_peer_queued_lines',
    help: 'Lines waiting to be sent to a peer.',
    labelNames: ['peer'],
    registers,
    collect() {
      // Peers come and go (repair): only the current ones are reported.
      this.reset();
      for (const peer of stats.peers) this.set({ peer: String(peer.id) }, peer.queued);
    },
  });
  new prom.Gauge({
    name: 'gossip_node_info',
    help: 'Always 1: the address the node advertises and the strategy it runs, as labels.',
    labelNames: ['address', 'strategy'],
    registers,
    collect() {
      this.reset();
      this.set({ address: stats.address, strategy: stats.strategy ?? 'flood' }, 1);
    },
  });

  const latency = new prom.Histogram({
    name: 'gossip_delivery_latency_seconds',
    help: 'Time from the origin time in a message id to its first arrival here, by how it arrived.',
    labelNames: ['via'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const hops = new prom.Histogram({
    name: 'gossip_delivery_hops',
    help: 'Hops of the path by which a message first arrived here, by how it arrived.',
    labelNames: ['via'],
    buckets: HOP_BUCKETS,
    registers,
  });
  const onDelivered = (...[delivery]: NodeEvents['message.delivered']): void => {
    // The first copy is the delivery; later paths are redundant copies. The origin delivers to itself.
    if (!delivery.first || delivery.via === 'origin') return;
    const seconds = deliveryLatencySeconds(delivery.id, delivery.atMs);
    if (seconds !== undefined) latency.observe({ via: delivery.via }, seconds);
    hops.observe({ via: delivery.via }, delivery.path.length - 1);
  };
  node.events.on('message.delivered', onDelivered);

  return {
    contentType: registry.contentType,
    render: () => {
      stats = node.stats(process.pid);
      return registry.metrics();
    },
    close: () => node.events.off('message.delivered', onDelivered),
  };
}

function gaugeOf(read: () => number): (this: Gauge) => void {
  return function collect(this: Gauge) {
    this.set(read());
  };
}
