// A real Prometheus server (Debian's `prometheus`) for a test: its own config and storage in a temp dir,
// bound to 127.0.0.1 on a free port, scraping the given targets every second; stopped by pid.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { allocatePortRange } from './ports.js';
import { waitFor } from './wait-for.js';

export interface PrometheusServer {
  url: string;
  /** Evaluates PromQL now; throws on an error answer. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: readonly string[]): Promise<PrometheusServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gossip-prometheus-'));
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    scrape_configs: [{ job_name: 'gossip', static_configs: [{ targets }] }],
  };
  // JSON is YAML: no serializer needed.
  await writeFile(path.join(dir, 'prometheus.yml'), JSON.stringify(config));
  const address = `127.0.0.1:${(await allocatePortRange(1)) + 1}`;
  const child = execa(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      '--log.level=warn',
    ],
    { reject: false, stdin: 'ignore' },
  );
  const stop = async (): Promise<void> => {
    child.kill('SIGKILL');
    await child;
    await rm(dir, { recursive: true, force: true });
  };
  const exited = child.then((result) => {
    if (result.code === 'ENOENT')
      throw new Error(
        'prometheus is not installed; install it with `apt-get install prometheus` (.ci/run does)',
      );
    throw new Error(`prometheus exited: ${String(result.stderr).slice(-500)}`);
  });
  // Once it is ready, its exit (stop() kills it) is no news.
  exited.catch(() => undefined);
  try {
    const ready = waitFor(async () => (await fetch(`http://${address}/-/ready`)).ok, {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'Prometheus to be ready',
    });
    // If Prometheus exits first, the poll goes on to its deadline unheard.
    ready.catch(() => undefined);
    await Promise.race([ready, exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `http://${address}`;
  return {
    url,
    stop,
    query: async (expr) => {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? response.status}`);
      return (body.data?.result ?? []).map((entry) => ({
        metric: entry.metric,
        value: Number(entry.value[1]),
      }));
    },
  };
}
