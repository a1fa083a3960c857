// Prometheus metrics of a node: names by the conventions, values read from a real GossipNode through the real
// prom-client, the delivery histograms, the --metrics-port setting, and the HTTP endpoint's answers.

import type { AddressInfo } from 'node:net';
import promClient from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNodeConfig } from '../../src/node/config.js';
import { COUNTER_NAMES } from '../../src/node/counters.js';
import type { GossipNode } from '../../src/node/gossip-node.js';
import {
  COUNTER_METRICS,
  counterMetric,
  deliveryLatencySeconds,
} from '../../src/node/metrics/metric-definitions.js';
import { createMetricsServer } from '../../src/node/metrics/metrics-server.js';
import { createNodeMetrics, type NodeMetrics } from '../../src/node/metrics/node-metrics.js';
import { formatMessageId } from '../../src/protocol/message-id.js';
import { unstartedNode } from '../helpers/lone-node.js';

const PROMETHEUS_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function lonelyNode(): GossipNode {
  return unstartedNode({ self: { id: 7, host: '127.0.0.1', port: 1 } });
}

/** The value of the sample of `name` with exactly these labels (in any order), e.g. sample(text, 'up', {}). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = JSON.stringify(Object.entries({ node: '7', ...labels }).sort());
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]);
    if (JSON.stringify(found.sort()) === wanted) return Number(match[3]);
  }
  return undefined;
}

describe('metric names', () => {
  it('follow the conventions: counters end in _total, gauges do not, every name is distinct', () => {
    const metrics = COUNTER_NAMES.flatMap((name) => counterMetric(name) ?? []);
    // Every counter but requestErrors (exported per code) has a metric of its own.
    expect(metrics).toHaveLength(COUNTER_NAMES.length - 1);
    expect(counterMetric('requestErrors')).toBeUndefined();
    expect(new Set(metrics.map((metric) => metric.name)).size).toBe(metrics.length);
    for (const metric of metrics) {
      expect(metric.name).toMatch(PROMETHEUS_NAME);
      expect(metric.name.startsWith('gossip_')).toBe(true);
      expect(metric.name.endsWith('_total'), metric.name).toBe(metric.type === 'counter');
      expect(metric.help).not.toBe('');
    }
    expect(COUNTER_METRICS.bytesIn?.name).toBe('gossip_received_bytes_total');
  });

  it('derives a name for a counter that has none in the table yet', () => {
    expect(counterMetric('tlsRefusals')).toMatchObject({
      name: 'gossip_tls_refusals_total',
      type: 'counter',
    });
  });
});

describe('deliveryLatencySeconds', () => {
  it('is the time from the origin time in the id to the arrival, never negative', () => {
    const id = formatMessageId('hi_there', 1_700_000_000_000_000_000n + 250_000n);
    expect(deliveryLatencySeconds(id, 1_700_000_000_000.25 + 12.5)).toBeCloseTo(0.0125, 6);
    expect(deliveryLatencySeconds(id, 1_699_999_999_000)).toBe(0);
    expect(deliveryLatencySeconds('no-origin-time', 1)).toBeUndefined();
  });
});

describe('createNodeMetrics', () => {
  let metrics: NodeMetrics | undefined;
  afterEach(() => metrics?.close());

  it('reads the counters and gauges from the node when scraped', async () => {
    const node = lonelyNode();
    metrics = createNodeMetrics(promClient, node);
    const before = await metrics.render();
    expect(sample(before, 'gossip_messages_submitted_total', {})).toBe(0);
    node.submit('one', 1);
    node.submit('two', 1);
    node.counters.addError('BAD_RELAYS');
    node.counters.addError('AUTH_FAILED');
    const text = await metrics.render();
    expect(sample(text, 'gossip_messages_submitted_total', {})).toBe(2);
    expect(sample(text, 'gossip_messages_held', {})).toBe(2);
    expect(sample(text, 'gossip_lamport_clock', {})).toBe(2);
    expect(sample(text, 'gossip_peers_up', {})).toBe(0);
    expect(sample(text, 'gossip_request_errors_total', { code: 'BAD_RELAYS' })).toBe(1);
    expect(
      sample(text, 'gossip_auth_refusals_total', { mechanism: 'cluster_key', code: 'AUTH_FAILED' }),
    ).toBe(1);
    expect(text).toMatch(/^process_cpu_seconds_total\{node="7"\} /m);
    expect(text).not.toContain('nodejs_active_handles_total');
  });

  it('observes the first arrival of each message in the latency and hop histograms, not the origin', async () => {
    const node = lonelyNode();
    metrics = createNodeMetrics(promClient, node);
    const sentMs = node.now() - 40;
    const id = formatMessageId('relayed', BigInt(Math.round(sentMs * 1e3)) * 1_000n);
    node.relay(id, [3, 5], 1);
    node.relay(id, [3, 4, 2, 6], 1);
    node.submit('here', 1);
    const text = await metrics.render();
    expect(sample(text, 'gossip_delivery_latency_seconds_count', { via: 'relay' })).toBe(1);
    const seconds = sample(text, 'gossip_delivery_latency_seconds_sum', { via: 'relay' }) ?? 0;
    expect(seconds).toBeGreaterThanOrEqual(0.04);
    expect(seconds).toBeLessThan(5);
    // Path 3 -> 5 -> 7: two hops.
    expect(sample(text, 'gossip_delivery_hops_bucket', { le: '1', via: 'relay' })).toBe(0);
    expect(sample(text, 'gossip_delivery_hops_bucket', { le: '2', via: 'relay' })).toBe(1);
    expect(text).not.toContain('via="origin"');
    metrics.close();
    node.relay(formatMessageId('after', 1n), [3], 1);
    expect(sample(await metrics.render(), 'gossip_delivery_hops_count', { via: 'relay' })).toBe(1);
  });
});

describe('--metrics-port', () => {
  it('is off by default, a port when given, and never the node port', () => {
    const parse = (input: Record<string, unknown>) => parseNodeConfig({ id: 1, port: 7001, ...input });
    expect(parse({})).toMatchObject({ ok: true, config: { metricsPort: undefined } });
    expect(parse({ metricsPort: '' })).toMatchObject({ ok: true, config: { metricsPort: undefined } });
    expect(parse({ metricsPort: '9464' })).toMatchObject({ ok: true, config: { metricsPort: 9464 } });
    expect(parse({ metricsPort: '70000' })).toMatchObject({
      ok: false,
      problems: ['--metrics-port must be a whole number from 1 to 65535 (got "70000")'],
    });
    expect(parse({ metricsPort: '7001' })).toMatchObject({
      ok: false,
      problems: ["--metrics-port 7001 is the node's own --port; choose another"],
    });
  });
});

describe('the metrics endpoint', () => {
  const servers: Array<ReturnType<typeof createMetricsServer>> = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function serve(render: () => Promise<string>, errors: unknown[] = []): Promise<string> {
    const server = createMetricsServer({ render, contentType: 'text/plain; version=0.0.4' }, (error) =>
      errors.push(error),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers GET and HEAD /metrics, 404 elsewhere, 405 for other methods, 500 when collecting fails', async () => {
    let fail = false;
    const errors: unknown[] = [];
    const url = await serve(async () => {
      if (fail) throw new Error('collector broke');
      return 'up 1\n';
    }, errors);
    const ok = await fetch(`${url}/metrics?x=1`);
    expect([ok.status, ok.headers.get('content-type'), await ok.text()]).toEqual([
      200,
      'text/plain; version=0.0.4',
      'up 1\n',
    ]);
    expect((await fetch(`${url}/metrics`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${url}/`)).status).toBe(404);
    const post = await fetch(`${url}/metrics`, { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    fail = true;
    expect((await fetch(`${url}/metrics`)).status).toBe(500);
    expect(errors).toHaveLength(1);
    fail = false;
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });
});
