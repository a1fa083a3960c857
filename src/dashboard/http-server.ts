// The dashboard's HTTP edge (node:http, loopback by default): the bundled page, its live event stream,
// and a small JSON API. Everything a request carries is validated here, with zod, and answered with a
// JSON error rather than thrown.

import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { lookupEverywhere } from '../client/lookup-everywhere.js';
import { fetchStats, peekMessages, submitMessage } from '../client/node-client.js';
import { isGossipError } from '../errors.js';

import { arrivalsFrom, chooseMessage, originMs } from '../propagation/from-listings.js';
import { MAX_RELAYS, MAX_TEXT_BYTES } from '../protocol/limits.js';
import { lookupQueryProblem } from '../protocol/listing-requests.js';
import { originNsToMs, parseMessageId } from '../protocol/message-id.js';
import type { DashboardHub } from './hub.js';
import type { MessageReplay, NodeDetails } from './model/dashboard-state.js';
import type { NetworkSource } from './network-watch.js';
import { PAGE_HTML } from './page-html.js';
import type { PageStreams } from './page-streams.js';

/** Largest request body accepted (a message of MAX_TEXT_BYTES in JSON, with room to spare). */
const MAX_BODY_BYTES = 4 * MAX_TEXT_BYTES;
/**
 * Where the bundled page lives: dist/dashboard/web. Found from the package root (two levels up from this
 * module in src/dashboard, dist/dashboard and the CLI bundle in dist/bundle alike).
 */
const WEB_DIR = fileURLToPath(new URL('../../dist/dashboard/web/', import.meta.url));
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

const sendSchema = z.object({
  node: z.number().int().positive(),
  text: z.string().min(1, 'the message is empty'),
  relays: z.number().int().min(1).max(MAX_RELAYS).optional(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createDashboardServer(
  readNetwork: NetworkSource,
  hub: DashboardHub,
  pages: PageStreams,
  bindHost: string,
): http.Server {
  return http.createServer((request, response) => {
    if (!allowedHost(request.headers.host, bindHost)) {
      json(response, 403, { error: 'open the dashboard by its address (an IP, localhost, or --host)' });
      return;
    }
    route(readNetwork, hub, pages, request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : isGossipError(error) ? 502 : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) json(response, status, { error: message });
      else response.destroy();
    });
  });
}

async function route(
  readNetwork: NetworkSource,
  hub: DashboardHub,
  pages: PageStreams,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://dashboard');
  const method = request.method ?? 'GET';
  if (url.pathname === '/' && method === 'GET') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(PAGE_HTML);
    return;
  }
  const staticFile = STATIC_FILES[url.pathname];
  if (staticFile !== undefined && method === 'GET') {
    const body = await readFile(`${WEB_DIR}${staticFile.file}`).catch(() => {
      throw new HttpError(500, 'the page is not built; run: npm run build');
    });
    response.writeHead(200, { 'content-type': staticFile.type, 'cache-control': 'no-store' });
    response.end(body);
    return;
  }
  if (url.pathname === '/favicon.ico') {
    response.writeHead(204).end();
    return;
  }
  if (url.pathname === '/api/state' && method === 'GET') return json(response, 200, hub.state());
  if (url.pathname === '/api/events' && method === 'GET') return pages.open(response, hub.state());
  if (url.pathname === '/api/messages' && method === 'POST') {
    return json(response, 200, await sendMessage(readNetwork, await readBody(request)));
  }
  const message = /^\/api\/messages\/(.+)$/.exec(url.pathname);
  if (message?.[1] !== undefined && method === 'GET') {
    return json(response, 200, await replayOf(readNetwork, hub, decodeURIComponent(message[1])));
  }
  const node = /^\/api\/nodes\/(\d{1,9})$/.exec(url.pathname);
  if (node?.[1] !== undefined && method === 'GET') {
    return json(response, 200, await detailsOf(readNetwork, Number(node[1])));
  }
  if (staticFile !== undefined) throw new HttpError(405, `${method} is not allowed here`);
  throw new HttpError(404, `nothing at ${url.pathname}`);
}

/** The page's send box: page -> here -> the node's /NEW. */
async function sendMessage(readNetwork: NetworkSource, body: unknown): Promise<{ id: string; node: number }> {
  const parsed = sendSchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues[0]?.message ?? 'bad request');
  const { node, text } = parsed.data;
  const state = await readNetwork();
  const entry = state?.nodes.find((candidate) => candidate.id === node);
  if (state === undefined || entry === undefined)
    throw new HttpError(404, `there is no node ${node} in this network`);
  if (entry.removed) throw new HttpError(409, `node ${node} was removed from the network`);
  const relays = parsed.data.relays ?? state.relays;
  const reply = await submitMessage(entry, text, relays).catch((error: unknown) => {
    // The node refused the text (too long, control characters): the user's mistake, said plainly.
    if (isGossipError(error) && error.code === 'GOSSIP_ERR_REJECTED') throw new HttpError(400, error.message);
    throw error;
  });
  return { id: reply.id, node };
}

/**
 * Replay data for a message id or text: the dashboard's memory, else its event log, else what the live
 * nodes recorded (which also finds messages sent before the dashboard started).
 */
async function replayOf(
  readNetwork: NetworkSource,
  hub: DashboardHub,
  query: string,
): Promise<MessageReplay> {
  // The query goes to the nodes on a line of its own: no control characters (a newline would end it).
  if (lookupQueryProblem(query) !== undefined)
    throw new HttpError(400, 'give a message id or text, without control characters');
  const parsed = parseMessageId(query);
  const known = parsed === undefined ? undefined : await hub.arrivals(query);
  if (parsed !== undefined && known !== undefined) {
    const summary = hub.messages.get(query) ?? null;
    return {
      summary,
      id: query,
      text: parsed.text,
      origin: summary?.origin ?? known.arrivals[0]?.path[0] ?? 0,
      submittedAtMs: summary?.submittedAtMs ?? originNsToMs(parsed.originNs),
      arrivals: known.arrivals,
      source: known.source,
    };
  }
  const state = await readNetwork();
  const live = state?.nodes.filter((entry) => !entry.removed) ?? [];
  const { listings } = await lookupEverywhere(live, query);
  const chosen = chooseMessage(listings, query).chosen;
  if (chosen === undefined)
    throw new HttpError(404, `no node holds a message with the id or text "${query}"`);
  return {
    summary: hub.messages.get(chosen.id) ?? null,
    id: chosen.id,
    text: chosen.text,
    origin: chosen.origin,
    submittedAtMs: originMs(chosen),
    arrivals: arrivalsFrom(listings, chosen.id),
    source: 'nodes',
  };
}

async function detailsOf(readNetwork: NetworkSource, id: number): Promise<NodeDetails> {
  const entry = (await readNetwork())?.nodes.find((candidate) => candidate.id === id);
  if (entry === undefined) throw new HttpError(404, `there is no node ${id} in this network`);
  if (entry.removed) return { id, stats: null, messages: null, error: 'removed from the network' };
  try {
    const [stats, listing] = await Promise.all([fetchStats(entry, 2_000), peekMessages(entry, 10_000)]);
    return { id, stats, messages: listing.messages, error: null };
  } catch (error) {
    return { id, stats: null, messages: null, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The page can send messages, so a web site must not reach it through DNS rebinding (its own name
 * pointed at 127.0.0.1): only IP addresses, localhost and the --host name are answered.
 */
export function allowedHost(header: string | undefined, bindHost: string): boolean {
  if (header === undefined) return false;
  const name = header
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  return name === 'localhost' || name === bindHost.toLowerCase() || net.isIP(name) !== 0;
}

async function readBody(request: http.IncomingMessage): Promise<unknown> {
  // Only JSON: a cross-site form post cannot send it without a CORS preflight, which is never answered.
  if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
    throw new HttpError(415, 'send JSON (content-type: application/json)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}
