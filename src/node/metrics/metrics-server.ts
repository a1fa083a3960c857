// The node's Prometheus endpoint: GET /metrics over HTTP on its own port (--metrics-port). prom-client is
// imported here, and this module only when metrics are on, so a node without them loads none of it.

import http from 'node:http';
import type { Logger } from 'pino';
import { formatHostPort } from '../../protocol/address.js';
import { listen } from '../listen.js';
import { createNodeMetrics, type MetricsSource, type NodeMetrics } from './node-metrics.js';

const METRICS_PATH = '/metrics';
/** A scrape slower than this is cut off (Prometheus gives up after 10 s by default). */
const REQUEST_TIMEOUT_MS = 10_000;
/** Scrapers at once: a metrics port is for a few Prometheus servers, not the public. */
const MAX_CONNECTIONS = 64;

export interface MetricsEndpoint {
  stop(): Promise<void>;
}

export async function startMetrics(
  node: MetricsSource,
  options: { host: string; port: number; logger: Logger },
): Promise<MetricsEndpoint> {
  // prom-client is CommonJS: its exports are the default export, under Node.js and in the bundle alike.
  const metrics = createNodeMetrics((await import('prom-client')).default, node);
  const server = createMetricsServer(metrics, (error) =>
    options.logger.error({ err: error }, 'metrics.failed'),
  );
  try {
    await listen(server, options.port, options.host);
  } catch (error) {
    metrics.close();
    throw error;
  }
  server.on('error', (error) => options.logger.error({ err: error }, 'metrics.server-error'));
  options.logger.info(
    { address: formatHostPort(options.host, options.port), path: METRICS_PATH },
    'metrics.listening',
  );
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        metrics.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers GET (and HEAD) /metrics; anything else gets 404 or 405. A failed render is a 500, never a crash. */
export function createMetricsServer(
  metrics: Pick<NodeMetrics, 'render' | 'contentType'>,
  onError: (error: unknown) => void,
): http.Server {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== METRICS_PATH) {
      reply(response, 404, `not found: metrics are at ${METRICS_PATH}\n`);
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      reply(response, 405, `method ${request.method} not allowed: use GET\n`);
    } else {
      metrics.render().then(
        (text) => reply(response, 200, text, metrics.contentType),
        (error: unknown) => {
          onError(error);
          reply(response, 500, 'metrics could not be collected; see the node log\n');
        },
      );
    }
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  server.maxConnections = MAX_CONNECTIONS;
  return server;
}

function reply(
  response: http.ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  // The scraper may have gone while the metrics were collected.
  if (response.destroyed) return;
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
