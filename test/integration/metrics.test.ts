// Prometheus metrics for real: a 16-node network started by the CLI with --metrics-base-port, a node's
// /metrics checked by promtool and against its /STATS, and Debian's Prometheus scraping all 16 nodes and
// answering every query of the Grafana dashboard.

import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHealth, fetchStats } from '../../src/client/node-client.js';
import { gossip, gossipJson } from '../helpers/cli.js';
import { type LiveNode, statsOf, submit } from '../helpers/cluster.js';
import { NetworkPool, type TestNetwork } from '../helpers/network.js';
import { allocatePortRange } from '../helpers/ports.js';
import { type PrometheusServer, startPrometheus } from '../helpers/prometheus.js';
import { waitFor } from '../helpers/wait-for.js';

const NODES = 16;
const DASHBOARD = new URL('../../deploy/grafana/gossip-dashboard.json', import.meta.url);

const pool = new NetworkPool();
let prometheus: PrometheusServer | undefined;
afterAll(async () => {
  await prometheus?.stop();
  await pool.cleanup();
});

let net: TestNetwork;
let metricsBase: number;
const node = (id: number): LiveNode => ({ id, host: '127.0.0.1', port: net.basePort + id });
const metricsUrl = (id: number): string => `http://127.0.0.1:${metricsBase + id}/metrics`;

beforeAll(async () => {
  // One range for both, so the metrics ports cannot land on the nodes' own.
  const base = await allocatePortRange(2 * NODES);
  metricsBase = base + NODES;
  net = await pool.startIn(await pool.home(), ['--metrics-base-port', String(metricsBase)], NODES, {
    basePort: base,
  });
});

describe('metrics of a network started with --metrics-base-port', () => {
  it('are where gossip status says: node N on the base port + N', async () => {
    const status = await gossipJson<{ nodes: Array<{ id: number; metrics: string | null }> }>(
      ['status'],
      net.home,
    );
    expect(status.nodes.map((entry) => entry.metrics)).toEqual(
      Array.from({ length: NODES }, (_, index) => metricsUrl(index + 1)),
    );
    const table = await gossip(['status'], net.home);
    expect(table.stdout).toMatch(/\bMETRICS\b/);
    expect(table.stdout).toContain(metricsUrl(16));
  });

  it('pass `promtool check metrics`, agree with /STATS, and survive bad requests', async () => {
    await submit(node(1), 'measured');
    await waitFor(async () => (await statsOf([node(2)]))[0]?.messages === 1, { what: 'node 2 to get it' });
    const text = await (await fetch(metricsUrl(2))).text();
    const check = await execa('promtool', ['check', 'metrics'], { input: text, reject: false });
    if (check.code === 'ENOENT')
      throw new Error(
        'promtool is not installed; install it with `apt-get install prometheus` (.ci/run does)',
      );
    expect(check.stdout + check.stderr).toBe('');
    expect(check.exitCode).toBe(0);

    const stats = await fetchStats(node(2));
    expect(text).toContain(`gossip_messages_held{node="2"} ${stats.messages}\n`);
    expect(text).toContain(`gossip_relays_sent_total{node="2"} ${stats.counters.relaysOut}\n`);
    expect(text).toContain(`gossip_peers_up{node="2"} 3\n`);
    expect(text).toMatch(/^gossip_delivery_latency_seconds_count\{.*via="relay".*\} 1$/m);

    expect((await fetch(`http://127.0.0.1:${metricsBase + 2}/`)).status).toBe(404);
    expect((await fetch(metricsUrl(2), { method: 'DELETE' })).status).toBe(405);
    expect((await fetchHealth(node(2))).ok).toBe(true);
  });

  it('are scraped by a real Prometheus: up for all 16, a nonzero delivery rate, every dashboard query', async () => {
    prometheus = await startPrometheus(
      Array.from({ length: NODES }, (_, index) => `127.0.0.1:${metricsBase + index + 1}`),
    );
    const server = prometheus;
    await waitFor(
      async () => {
        const up = await server.query('up{job="gossip"}');
        return up.length === NODES && up.every((target) => target.value === 1);
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'Prometheus to see all 16 targets up' },
    );
    let sent = 0;
    const rate = await waitFor(
      async () => {
        await submit(node((sent % NODES) + 1), `scraped ${sent}`);
        sent += 1;
        const [delivered] = await server.query('sum(rate(gossip_delivery_latency_seconds_count[10s]))');
        return delivered !== undefined && delivered.value > 0 ? delivered.value : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 300, what: 'a nonzero delivered-messages rate' },
    );
    expect(rate).toBeGreaterThan(0);

    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exported = exportedNames(await (await fetch(metricsUrl(1))).text());
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        for (const [name] of expr.matchAll(/\bgossip_[a-z_]+/g))
          expect(exported, `${panel.title}: ${name} is exported`).toContain(name);
        // Grafana fills in the rate window; every query must be valid PromQL over what the nodes export.
        await expect(server.query(expr.replaceAll('$__rate_interval', '30s'))).resolves.toBeDefined();
      }
    }
    const [median] = await server.query(
      'histogram_quantile(0.5, sum by (le) (rate(gossip_delivery_latency_seconds_bucket{via="relay"}[30s])))',
    );
    expect(median?.value).toBeGreaterThan(0);
    expect(median?.value).toBeLessThan(10);
  });
});

/** Metric names a /metrics text declares (with or without samples yet); a histogram's as Prometheus stores them. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (name === undefined) continue;
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}
