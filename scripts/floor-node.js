#!/usr/bin/env node
// The machine floor for `npm run bench`: the least a Node.js process can do per line and still follow the
// reference relay rule (relays=1). It records each message's first arrival time and every arrival path in
// memory, takes at most one arrival per link, and forwards each arrival to every peer but the one it came
// from that the message was not sent to yet: every link carries each message once each way (2 x edges relays
// per message, one path per neighbour at every node, as in the reference and in gossip). It answers the few
// requests the bench sends (/NEW, /STATS, /MESSAGES:all|all) in the shapes gossip uses. No validation, no
// journal, no limits, no failure detection, no catch-up: what 16 such processes achieve on a machine bounds
// what any Node.js implementation of the rule can, so the bench prints it next to gossip's numbers.
// Usage: floor-node.js <id> <port> <peer-id>:<peer-port>[,...]   (loopback only; prints "ready" when linked)
import net from 'node:net';
import { wallClock } from '../dist/node/wall-clock.js';

const [ownId, portText, peerList = ''] = process.argv.slice(2);
const peers = peerList
  .split(',')
  .filter(Boolean)
  .map((spec) => {
    const [id, port] = spec.split(':');
    return { id, port: Number(port), socket: undefined, corked: false };
  });
const peerIndex = new Map(peers.map((peer, index) => [peer.id, index]));
/** id -> { firstAtMs, paths: string[], arrived: bitmask of peers it came from, sent: of peers it went to } */
const messages = new Map();
let sequence = 0;
// The clock gossip's nodes use (src/node/wall-clock.ts): performance.timeOrigin can be skewed for life.
const now = wallClock;

function send(index, line) {
  const peer = peers[index];
  if (!peer.corked) {
    peer.corked = true;
    peer.socket.cork();
    process.nextTick(() => {
      peer.corked = false;
      peer.socket.uncork();
    });
  }
  peer.socket.write(line);
}

/** The relay rule: one arrival per peer; record the path, then send to every other peer not yet sent to. */
function arrive(id, path, from) {
  let message = messages.get(id);
  if (message === undefined) {
    message = { firstAtMs: now(), paths: [], arrived: 0, sent: 0 };
    messages.set(id, message);
  }
  if (from !== undefined) {
    if (message.arrived & (1 << from)) return;
    message.arrived |= 1 << from;
  }
  const fullPath = path === '' ? ownId : `${path},${ownId}`;
  message.paths.push(fullPath);
  for (let index = 0; index < peers.length; index += 1) {
    if (index === from || message.sent & (1 << index)) continue;
    message.sent |= 1 << index;
    send(index, `/RELAY:1|["${id}",[${fullPath}]]\n`);
  }
}

function listing() {
  const rows = [];
  for (const [id, message] of messages) {
    rows.push({ id, paths: [{ path: message.paths[0].split(',').map(Number), atMs: message.firstAtMs }] });
  }
  return JSON.stringify({ messages: rows });
}

function handle(socket, line) {
  if (line.startsWith('/RELAY:')) {
    // /RELAY:1|["<id>",[<path>]]
    const idStart = line.indexOf('["') + 2;
    const idEnd = line.indexOf('",[', idStart);
    const path = line.slice(idEnd + 3, line.length - 2);
    arrive(line.slice(idStart, idEnd), path, peerIndex.get(path.slice(path.lastIndexOf(',') + 1)));
  } else if (line.startsWith('/NEW:')) {
    sequence += 1;
    const id = `${line.slice(line.indexOf('|') + 1)}_${ownId}.${sequence}`;
    arrive(id, '', undefined);
    socket.write(`{"id":${JSON.stringify(id)}}\n`);
  } else if (line === '/STATS') socket.write(`{"messages":${messages.size},"counters":{}}\n`);
  else if (line.startsWith('/MESSAGES:')) socket.write(`${listing()}\n`);
}

const server = net.createServer({ noDelay: true }, (socket) => {
  let rest = '';
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    const data = rest + chunk;
    let start = 0;
    for (let end = data.indexOf('\n'); end !== -1; end = data.indexOf('\n', start)) {
      handle(socket, data.slice(start, end));
      start = end + 1;
    }
    rest = data.slice(start);
  });
});

function link(peer) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: peer.port });
    socket.setNoDelay(true);
    socket.on('connect', () => {
      peer.socket = socket;
      resolve();
    });
    socket.on('error', () => setTimeout(() => link(peer).then(resolve), 20));
  });
}

server.listen(Number(portText), '127.0.0.1', async () => {
  await Promise.all(peers.map(link));
  process.stdout.write('ready\n');
});
process.on('SIGTERM', () => process.exit(0));
