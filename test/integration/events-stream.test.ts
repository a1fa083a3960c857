// /EVENTS on real daemons: a snapshot, then the node's events live; subscribers leave when their socket
// closes; a subscriber that stops reading costs the node dropped events, not memory.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SUBSCRIBERS } from '../../src/node/event-feed.js';
import { type NodeEvent, parseNodeEvent } from '../../src/protocol/events.js';
import { DaemonPool, ringSpecs } from '../helpers/daemons.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';

const pool = new DaemonPool();
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await pool.cleanup();
});

interface Stream {
  socket: net.Socket;
  events: NodeEvent[];
  /** Lines that were not event lines (e.g. an error). */
  other: string[];
}

function subscribe(port: number): Stream {
  const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write('/EVENTS:\n'));
  sockets.push(socket);
  const stream: Stream = { socket, events: [], other: [] };
  let carry = '';
  socket.on('data', (chunk: Buffer) => {
    const lines = (carry + chunk.toString('utf8')).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      const event = parseNodeEvent(line);
      if (event === undefined) stream.other.push(line);
      else stream.events.push(event);
    }
  });
  socket.on('error', () => socket.destroy());
  return stream;
}

const ofKind = <K extends NodeEvent['event']>(stream: Stream, kind: K) =>
  stream.events.filter((event): event is Extract<NodeEvent, { event: K }> => event.event === kind);

async function ring(n: number) {
  const base = await allocatePortRange(n);
  const nodes = await Promise.all(ringSpecs(n, base).map((spec) => pool.start(spec)));
  await pool.waitLinksUp(nodes);
  return nodes;
}

describe('/EVENTS', () => {
  it('starts with a snapshot, then streams deliveries with their path and time, relays and link changes', async () => {
    const [n1, n2, n3, n4] = await ring(4);
    if (n1 === undefined || n2 === undefined || n3 === undefined || n4 === undefined) throw new Error('ring');
    const stream = subscribe(n3.port);
    const snapshot = await waitFor(() => stream.events[0], { what: 'the snapshot' });
    expect(snapshot).toMatchObject({ event: 'snapshot', node: 3, messages: 0 });
    if (snapshot.event !== 'snapshot') throw new Error('not a snapshot');
    expect(snapshot.peers.map((peer) => [peer.id, peer.state]).sort()).toEqual([
      [2, 'up'],
      [4, 'up'],
    ]);

    const before = Date.now();
    const { id } = (await askLine(n1.port, '/NEW:1|Hello events')) as { id: string };
    // Node 3 is two hops from 1 both ways round the ring: 1-2-3 and 1-4-3.
    const delivered = await waitFor(
      () => {
        const mine = ofKind(stream, 'message.delivered').filter((event) => event.id === id);
        return mine.length === 2 ? mine : undefined;
      },
      { what: 'two deliveries at node 3' },
    );
    expect(delivered.map((event) => event.path.join('-')).sort()).toEqual(['1-2-3', '1-4-3']);
    expect(delivered.map((event) => event.first)).toEqual([true, false]);
    for (const event of delivered) {
      expect(event).toMatchObject({ node: 3, via: 'relay' });
      expect(event.atMs).toBeGreaterThanOrEqual(before - 1_000);
      expect(event.atMs).toBeLessThanOrEqual(Date.now() + 1_000);
    }
    // Each arrival is passed on to the other neighbour.
    const relayed = await waitFor(() => {
      const mine = ofKind(stream, 'message.relayed').filter((event) => event.id === id);
      return mine.length === 2 ? mine : undefined;
    });
    expect(relayed.map((event) => event.to).sort()).toEqual([[2], [4]]);

    // Node 4 stops: node 3 reports its link down.
    n4.kill('SIGTERM');
    await n4.exited;
    const down = await waitFor(() => ofKind(stream, 'link.down').find((event) => event.peer === 4), {
      what: 'link.down for node 4',
    });
    expect(down).toMatchObject({ node: 3, wasUp: true });
    expect(stream.other).toEqual([]);
  });

  it('lets go of subscribers whose socket closed, and refuses more than the cap', async () => {
    const [node] = await ring(3);
    if (node === undefined) throw new Error('ring');
    const streams = Array.from({ length: MAX_SUBSCRIBERS }, () => subscribe(node.port));
    await waitFor(() => streams.every((stream) => stream.events.length === 1), { what: 'every snapshot' });

    const refused = subscribe(node.port);
    const error = await waitFor(() => refused.other[0], { what: 'a refusal' });
    expect(JSON.parse(error)).toMatchObject({ code: 'UNAVAILABLE' });
    expect(refused.events).toEqual([]);

    for (const stream of streams) stream.socket.destroy();
    // Once the node has seen them close, a new subscriber gets its snapshot again.
    const again = await waitFor(
      async () => {
        const stream = subscribe(node.port);
        await waitFor(() => stream.events.length > 0 || stream.other.length > 0, { timeoutMs: 2_000 });
        if (stream.events[0]?.event === 'snapshot') return stream;
        stream.socket.destroy();
        return undefined;
      },
      { what: 'a subscription after the others closed' },
    );
    expect(again.events[0]).toMatchObject({ event: 'snapshot', node: node.id });
  });

  it('drops and counts events for a subscriber that stops reading, and tells it when it reads again', async () => {
    const [n1] = await ring(4);
    if (n1 === undefined) throw new Error('ring');
    const slow = subscribe(n1.port);
    await waitFor(() => slow.events[0], { what: 'the snapshot' });
    slow.socket.pause();

    // 400 messages of 16 KiB: each makes several event lines at node 1 that carry the id (and so the text).
    const text = 'x'.repeat(16 * 1024);
    const sender = net.connect({ host: '127.0.0.1', port: n1.port });
    sockets.push(sender);
    let acknowledged = 0;
    sender.on('data', (chunk: Buffer) => {
      acknowledged += chunk.toString('utf8').split('\n').length - 1;
    });
    for (let i = 0; i < 400; i += 1) sender.write(`/NEW:1|${text}\n`);
    await waitFor(() => acknowledged === 400, { timeoutMs: 30_000, what: '400 acknowledgements' });

    const stats = await waitFor(
      async () => {
        const reply = (await askLine(n1.port, '/STATS:')) as { counters: { eventsDropped: number } };
        return reply.counters.eventsDropped > 0 ? reply : undefined;
      },
      { timeoutMs: 20_000, what: 'dropped events to be counted' },
    );
    expect(stats.counters.eventsDropped).toBeGreaterThan(0);

    // Reading again drains the backlog; the next event is preceded by the count of what was left out.
    // Until the backlog has drained below the cap, new events are still dropped: keep sending until one
    // gets through (with its notice).
    slow.socket.resume();
    let sent = 0;
    const notice = await waitFor(
      async () => {
        const seen = ofKind(slow, 'events.dropped')[0];
        if (seen === undefined) {
          sent += 1;
          await askLine(n1.port, `/NEW:1|after ${sent}`);
        }
        return seen;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'an events.dropped notice' },
    );
    const after = (await askLine(n1.port, '/STATS:')) as { counters: { eventsDropped: number } };
    expect(notice.dropped).toBeGreaterThan(0);
    expect(notice.dropped).toBeLessThanOrEqual(after.counters.eventsDropped);
    await waitFor(
      () =>
        ofKind(slow, 'message.delivered').some((event) => event.id.startsWith('after ')) ? true : undefined,
      { timeoutMs: 20_000, what: 'the later message' },
    );
  });
});
