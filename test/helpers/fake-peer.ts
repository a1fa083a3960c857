// A real stand-in for a peer node: it listens at its own address, so the node under test can check its
// HELLO back, opens a link to that node the way a node does (HELLO, then the /PROVE the check asks for), and
// then sends whatever lines the test gives. Its listener also accepts the link the node opens back to it.

import net, { type AddressInfo } from 'node:net';
import { waitFor } from './wait-for.js';
import type { WireReply } from './wire.js';

export interface FakePeerOptions {
  id: number;
  /** The node under test. */
  port: number;
  host?: string;
  /** HELLO flags: `h` (we count the node as a home peer), `j` (let us in even when full). */
  flags?: string;
  /** Where the fake says it listens; by default where it really does (a test may lie here). */
  claim?: { host: string; port: number };
  /** Answer the node's check back (default true): a fake that does not is a stranger posing as another node. */
  prove?: boolean;
}

export class FakePeer {
  /** Lines the node sent back on our link (its hello answer, errors), parsed. */
  readonly replies: WireReply[] = [];
  /** Lines that arrived at our listener (the node's own link to us, its /VERIFY), raw. */
  readonly received: string[] = [];

  private constructor(
    readonly id: number,
    readonly listenPort: number,
    private readonly link: net.Socket,
    private readonly server: net.Server,
    private readonly accepted: Set<net.Socket>,
  ) {}

  /** Listens, links to the node and says HELLO; resolves once the node answered it (accepted or not). */
  static async open(options: FakePeerOptions): Promise<FakePeer> {
    const host = options.host ?? '127.0.0.1';
    let peer: FakePeer | undefined;
    const accepted = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      accepted.add(socket);
      socket.on('close', () => accepted.delete(socket));
      socket.on('error', () => {});
      readLines(socket, (line) => {
        peer?.received.push(line);
        const verify = /^\/VERIFY:\d+\|([0-9a-f]{32})$/.exec(line);
        if (verify !== null && options.prove !== false) peer?.send(`/PROVE:${verify[1]}`);
        if (line.startsWith('/HELLO:'))
          socket.write(`${JSON.stringify({ hello: { node: options.id, accepted: true } })}\n`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const listenPort = (server.address() as AddressInfo).port;
    const link = await new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host, port: options.port }, () => resolve(socket));
      socket.once('error', reject);
    });
    link.on('error', () => {});
    peer = new FakePeer(options.id, listenPort, link, server, accepted);
    const self = peer;
    readLines(link, (line) => self.replies.push(JSON.parse(line) as WireReply));
    const where = options.claim ?? { host, port: listenPort };
    peer.send(`/HELLO:${options.id}|${where.host}:${where.port}|${options.flags ?? ''}`);
    await peer.waitReply((reply) => 'hello' in reply, 10_000);
    return peer;
  }

  /** The node's answer to our HELLO. */
  get hello(): { accepted: boolean; reason?: string } | undefined {
    return this.replies.find((reply) => 'hello' in reply)?.hello as { accepted: boolean } | undefined;
  }

  send(line: string): void {
    this.link.write(line.endsWith('\n') ? line : `${line}\n`);
  }

  /** Waits for a reply on our link that matches. */
  waitReply(match: (reply: WireReply) => boolean, timeoutMs = 5_000): Promise<WireReply> {
    return waitFor(() => this.replies.find(match), { timeoutMs, what: `a reply on node ${this.id}'s link` });
  }

  close(): Promise<void> {
    this.link.destroy();
    for (const socket of this.accepted) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readLines(socket: net.Socket, onLine: (line: string) => void): void {
  let partial = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
}
